package io.latchkey.core.notice;

/** Where a notice stands in the mail outbox. */
public enum NoticeStatus {
  /** Waiting for its (next) delivery attempt. */
  PENDING,
  /** Claimed by one node's sender, which is delivering it now. */
  SENDING,
  /** The SMTP server accepted the message. */
  SENT,
  /** Every attempt failed; the notice stays on the user's page. */
  FAILED,
  /** Never mailed: the user has no address, or mail is off. Shown on the page only. */
  NOT_SENT;

  /** No sender will touch it again. */
  public boolean terminal() {
    return this == SENT || this == FAILED || this == NOT_SENT;
  }
}
