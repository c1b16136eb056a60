package io.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.error.ErrorCode;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * A database whose files cannot be written (a full disk, a read-only folder) is unavailable, not
 * broken: {@code service_unavailable}, never {@code internal_error} (issue 13). The chains are the
 * ones H2 throws (seen in DataFolderFaultsIT's server log).
 */
class StorageFailureTest {
  @Test
  void anIoErrorUnderADatabaseErrorIsUnavailable() {
    for (String reason : new String[] {"No space left on device", "Read-only file system"}) {
      Exception error =
          new UncategorizedSQLException(
              "PreparedStatementCallback",
              "INSERT INTO users ...",
              new SQLException(
                  "General error: \"org.h2.mvstore.MVStoreException: Writing to ... failed\"",
                  "HY000",
                  50000,
                  new IllegalStateException("Writing to ... failed", new IOException(reason))));
      assertThat(ErrorCodes.storageFailed(error)).as(reason).isTrue();
      assertThat(ErrorCodes.of(error)).as(reason).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    }
  }

  @Test
  void h2ReadOnlyOrClosedIsUnavailable() {
    for (int code :
        new int[] {
          org.h2.api.ErrorCode.DATABASE_IS_READ_ONLY, org.h2.api.ErrorCode.DATABASE_IS_CLOSED
        }) {
      SQLException h2 = org.h2.message.DbException.get(code).getSQLException();
      assertThat(ErrorCodes.storageFailed(new UncategorizedSQLException("x", "y", h2)))
          .as("H2 error %d", code)
          .isTrue();
    }
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(ErrorCodes.storageFailed(new IOException("Broken pipe"))).isFalse();
    assertThat(
            ErrorCodes.storageFailed(
                new UncategorizedSQLException(
                    "x", "y", new SQLException("syntax error", "42000", 42000))))
        .isFalse();
    assertThat(ErrorCodes.of(new IllegalStateException(new IOException("disk"))))
        .isEqualTo(ErrorCode.INTERNAL_ERROR);
    // PostgreSQL's lost connection: unavailable, but no file of ours failed.
    Exception lost =
        new UncategorizedSQLException(
            "x",
            "y",
            new SQLException(
                "An I/O error occurred while sending to the backend.",
                "08006",
                0,
                new java.net.SocketException("Connection reset")));
    assertThat(ErrorCodes.storageFailed(lost)).isFalse();
    assertThat(ErrorCodes.of(lost)).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
  }
}
