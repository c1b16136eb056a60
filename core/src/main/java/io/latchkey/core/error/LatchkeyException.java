package io.latchkey.core.error;

/**
 * A failure a user or caller can be told about: a stable {@link ErrorCode} and a detail for the
 * audit record and the admin (never shown to an unauthenticated party, never a secret).
 */
public class LatchkeyException extends RuntimeException {
  private final ErrorCode code;

  public LatchkeyException(ErrorCode code, String detail) {
    super(detail);
    this.code = code;
  }

  public LatchkeyException(ErrorCode code, String detail, Throwable cause) {
    super(detail, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The precise reason, for audit and admins. */
  public String detail() {
    return getMessage();
  }
}
