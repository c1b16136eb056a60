package io.latchkey.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the error-code contract: a refusal is a {@link LatchkeyException} with a code. */
public final class Refusals {
  private Refusals() {}

  /** Runs {@code call}, which must fail with {@code expected}; returns the exception. */
  public static LatchkeyException assertRefused(ThrowingCallable call, ErrorCode expected) {
    LatchkeyException refused = catchThrowableOfType(LatchkeyException.class, call);
    assertThat(refused).as("expected a refusal with %s", expected.code()).isNotNull();
    assertThat(refused.code()).as(refused.getMessage()).isEqualTo(expected);
    return refused;
  }
}
