package io.latchkey.core.tx;

import java.util.function.Supplier;

/** Runs work in one database transaction; the storage layer provides it. */
public interface Transactions {
  <T> T inTransaction(Supplier<T> work);
}
