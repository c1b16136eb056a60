package io.latchkey.core.testing;

import io.latchkey.core.tx.Transactions;
import java.util.function.Supplier;

/** Runs the work directly: the in-memory fakes make each of their own calls atomic. */
public final class DirectTransactions implements Transactions {
  @Override
  public <T> T inTransaction(Supplier<T> work) {
    return work.get();
  }
}
