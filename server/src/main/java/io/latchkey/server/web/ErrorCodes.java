package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.ErrorResponse;

/** Maps whatever went wrong to one stable code: the single place where that decision is made. */
public final class ErrorCodes {
  private ErrorCodes() {}

  public static ErrorCode of(Throwable error) {
    if (error instanceof LatchkeyException e) {
      return e.code();
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BodySizeLimitFilter.TooLarge) {
        return ErrorCode.PAYLOAD_TOO_LARGE;
      }
    }
    if (error instanceof InvalidParameterException e) {
      // Tomcat could not decode the parameters (bad %-escapes, invalid UTF-8, too many).
      int status = e.getErrorCode();
      return status >= 400 && status < 500 ? ofStatus(status) : ErrorCode.BAD_REQUEST;
    }
    if (error instanceof ErrorResponse e) {
      return ofStatus(e.getStatusCode().value());
    }
    if (databaseUnavailable(error)) {
      return ErrorCode.SERVICE_UNAVAILABLE;
    }
    if (error instanceof org.springframework.http.converter.HttpMessageNotReadableException
        || error instanceof org.springframework.beans.TypeMismatchException
        || error instanceof org.springframework.web.bind.ServletRequestBindingException
        || error instanceof IllegalArgumentException) {
      return ErrorCode.BAD_REQUEST;
    }
    if (error instanceof org.springframework.web.multipart.MaxUploadSizeExceededException) {
      return ErrorCode.PAYLOAD_TOO_LARGE;
    }
    return ErrorCode.INTERNAL_ERROR;
  }

  /**
   * Whether {@code error} or one of its causes says the database cannot be reached or cannot serve
   * now (no connection within the pool's time-out, a connection lost, a transient failure). The
   * causes count too: a failure while a page is written, or while the session is saved, reaches the
   * filters wrapped in a {@code ServletException}; and a transaction whose connection was lost
   * fails again on its rollback, which hides the first failure behind "JDBC rollback failed". A
   * database whose storage fails ({@link #storageFailed}: a full disk, a read-only data folder)
   * cannot serve either.
   */
  public static boolean databaseUnavailable(Throwable error) {
    if (storageFailed(error)) {
      return true;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CannotGetJdbcConnectionException
          || t instanceof CannotCreateTransactionException
          || t instanceof DataAccessResourceFailureException
          || t instanceof TransientDataAccessException
          || t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      // SQLSTATE class 08: connection exception (PostgreSQL's driver throws a plain SQLException).
      if (t instanceof java.sql.SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof TransactionSystemException tx
          && tx.getApplicationException() != null
          && databaseUnavailable(tx.getApplicationException())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether the database failed because its files cannot be written: an I/O error under a database
   * error (the embedded H2 writing to a full disk or a read-only folder: "No space left on device",
   * "Read-only file system"), or H2 saying the database is read-only (90097, when the folder was
   * read-only as it opened) or closed after such a failure (90098). Not the request's fault: the
   * answer is {@code service_unavailable}, and the connections are renewed ({@code
   * StorageRecovery}) so that the database opens again once the disk is writable.
   */
  public static boolean storageFailed(Throwable error) {
    boolean underDatabaseError = false;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && (sql.getErrorCode() == H2_DATABASE_IS_READ_ONLY
              || sql.getErrorCode() == H2_DATABASE_IS_CLOSED)
          && t.getClass().getName().startsWith("org.h2.")) {
        return true;
      }
      if (t instanceof java.sql.SQLException
          || t instanceof org.springframework.dao.DataAccessException) {
        underDatabaseError = true;
      } else if (underDatabaseError && fileError(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * An I/O error of a file, not of a connection: a network database's lost connection (a socket
   * error, an end of stream, a time-out) is an unavailable database but not a storage failure.
   */
  private static boolean fileError(Throwable t) {
    return t instanceof java.io.IOException
        && !(t instanceof java.io.EOFException)
        && !(t instanceof java.io.InterruptedIOException)
        && !t.getClass().getName().startsWith("java.net.")
        && !t.getClass().getName().startsWith("javax.net.");
  }

  /** H2's {@code ErrorCode.DATABASE_IS_READ_ONLY}. */
  private static final int H2_DATABASE_IS_READ_ONLY = 90097;

  /** H2's {@code ErrorCode.DATABASE_IS_CLOSED}. */
  private static final int H2_DATABASE_IS_CLOSED = 90098;

  public static ErrorCode ofStatus(int status) {
    return switch (status) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 409 -> ErrorCode.CONFLICT;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
  }
}
