package io.latchkey.core.error;

/**
 * A failure a user or caller can be told about: a stable {@link ErrorCode} and a detail for the
 * audit record and the admin (never shown to an unauthenticated party, never a secret).
 */
public class LatchkeyException extends RuntimeException {
  private final ErrorCode code;
  private final java.util.List<String> explanations;

  public LatchkeyException(ErrorCode code, String detail) {
    super(detail);
    this.code = code;
    this.explanations = java.util.List.of();
  }

  /**
   * @param explanations message keys of sentences that follow the code's own sentence and say
   *     exactly what failed and what to do (e.g. which posture rule refused a device)
   */
  public LatchkeyException(ErrorCode code, String detail, java.util.List<String> explanations) {
    super(detail);
    this.code = code;
    this.explanations = java.util.List.copyOf(explanations);
  }

  public LatchkeyException(ErrorCode code, String detail, Throwable cause) {
    super(detail, cause);
    this.code = code;
    this.explanations = java.util.List.of();
  }

  /** Message keys of the specific sentences shown after the code's sentence; often empty. */
  public java.util.List<String> explanations() {
    return explanations;
  }

  public ErrorCode code() {
    return code;
  }

  /** The precise reason, for audit and admins. */
  public String detail() {
    return getMessage();
  }
}
