package io.latchkey.core.enrollment;

/**
 * The registration state machine (STYLE 5). A TOTP registration goes {@code STARTED -> COMPLETED}
 * when the first code is right; {@code TIMED_OUT} when its step deadline passes; {@code SUPERSEDED}
 * when another registration of the user replaces it. Only {@code STARTED} is pending; the others
 * are final, and a final registration holds no secret.
 */
public enum EnrollmentState {
  STARTED,
  COMPLETED,
  TIMED_OUT,
  SUPERSEDED;

  public boolean pending() {
    return this == STARTED;
  }
}
