package io.latchkey.server.testing;

import io.latchkey.core.push.PushPolicy;
import java.util.function.Supplier;

/** The push policy the server under test reads; a test sets its rules and resets them after. */
public final class MutablePushPolicy implements Supplier<PushPolicy> {
  private volatile PushPolicy current = PushPolicy.defaults();

  @Override
  public PushPolicy get() {
    return current;
  }

  public void set(PushPolicy policy) {
    current = policy;
  }

  public void reset() {
    current = PushPolicy.defaults();
  }
}
