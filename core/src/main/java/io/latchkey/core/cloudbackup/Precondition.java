package io.latchkey.core.cloudbackup;

/**
 * What an upload expects to replace (optimistic concurrency, RFC 9110 §13.1): a device names the
 * version it last uploaded or downloaded, so it never overwrites a backup it has not seen.
 */
public sealed interface Precondition {
  /** {@code If-Match: "N"}: replace version N only. */
  record Version(long version) implements Precondition {
    public Version {
      if (version < 1) {
        throw new IllegalArgumentException("versions start at 1");
      }
    }
  }

  /** {@code If-Match: *}: replace whatever version there is (there must be one). */
  record AnyVersion() implements Precondition {}

  /** {@code If-None-Match: *}: the first backup; there must be none yet. */
  record NoneYet() implements Precondition {}
}
