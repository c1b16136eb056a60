package io.latchkey.core.notice;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Storage of notices: the user's history and the mail outbox in one table. Every state change is
 * one conditional update judged by its row count, so any number of senders on any number of nodes
 * deliver each notice once (SECURITY-TESTS I5).
 */
public interface NoticeRepository {

  /** Stores a new notice; joins the caller's transaction, if any. */
  void insert(Notice notice);

  Optional<Notice> findById(UUID id);

  /** The user's latest notices, newest first. */
  List<Notice> recent(UserId userId, int limit);

  /**
   * IDs of notices a sender may claim at {@code now}: pending ones that are due, and ones whose
   * claim expired (a node that died while sending), oldest first.
   */
  List<UUID> due(Instant now, int limit);

  /**
   * Claims one notice for delivery if it is still due: it becomes {@link NoticeStatus#SENDING}
   * under {@code token} until {@code until}, with one more attempt counted.
   *
   * @return the claimed notice, or empty if another sender claimed it first
   */
  Optional<Notice> claim(UUID id, String token, Instant now, Instant until);

  /** SENDING under {@code token} to SENT. False if the claim was lost meanwhile. */
  boolean markSent(UUID id, String token, Instant at);

  /** SENDING under {@code token} back to PENDING, due at {@code next}. */
  boolean reschedule(UUID id, String token, Instant next, String error);

  /** SENDING under {@code token} to FAILED. */
  boolean markFailed(UUID id, String token, String error);
}
