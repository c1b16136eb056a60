package io.latchkey.core.push;

/**
 * A push registration attempt (STYLE 5): {@code AWAITING_ACTIVATION} while the QR code is shown;
 * {@code AWAITING_APPROVAL} once the device activated and the test challenge went out; then one
 * final state: {@code COMPLETED}, {@code TIMED_OUT} (a step deadline passed), {@code REFUSED} (the
 * device was not compliant or came from another network) or {@code SUPERSEDED}.
 */
public enum PushEnrollmentState {
  AWAITING_ACTIVATION,
  AWAITING_APPROVAL,
  COMPLETED,
  TIMED_OUT,
  REFUSED,
  SUPERSEDED;

  public boolean pending() {
    return this == AWAITING_ACTIVATION || this == AWAITING_APPROVAL;
  }
}
