package io.latchkey.core.testing;

import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeRepository;
import io.latchkey.core.notice.NoticeStatus;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Notices in memory, each change one synchronized conditional update like the real store's. */
public final class InMemoryNoticeRepository implements NoticeRepository {
  private final Map<UUID, Notice> notices = new LinkedHashMap<>();
  private final Map<UUID, String> tokens = new LinkedHashMap<>();
  private final Map<UUID, Instant> claimedUntil = new LinkedHashMap<>();

  /** Every notice, oldest first. */
  public synchronized List<Notice> all() {
    return List.copyOf(notices.values());
  }

  @Override
  public synchronized void insert(Notice notice) {
    if (notices.putIfAbsent(notice.id(), notice) != null) {
      throw new IllegalStateException("duplicate notice " + notice.id());
    }
  }

  @Override
  public synchronized Optional<Notice> findById(UUID id) {
    return Optional.ofNullable(notices.get(id));
  }

  @Override
  public synchronized List<Notice> recent(UserId userId, int limit) {
    List<Notice> mine = new ArrayList<>();
    for (Notice n : notices.values()) {
      if (n.userId().equals(userId)) {
        mine.add(0, n);
      }
    }
    mine.sort((a, b) -> b.at().compareTo(a.at()));
    return mine.subList(0, Math.min(limit, mine.size()));
  }

  @Override
  public synchronized List<UUID> due(Instant now, int limit) {
    return notices.values().stream()
        .filter(n -> isDue(n, now))
        .map(Notice::id)
        .limit(limit)
        .toList();
  }

  private boolean isDue(Notice n, Instant now) {
    return (n.status() == NoticeStatus.PENDING && !n.nextAttemptAt().isAfter(now))
        || (n.status() == NoticeStatus.SENDING && !claimedUntil.get(n.id()).isAfter(now));
  }

  @Override
  public synchronized Optional<Notice> claim(UUID id, String token, Instant now, Instant until) {
    Notice n = notices.get(id);
    if (n == null || !isDue(n, now)) {
      return Optional.empty();
    }
    tokens.put(id, token);
    claimedUntil.put(id, until);
    return Optional.of(
        put(n, NoticeStatus.SENDING, n.attempts() + 1, n.nextAttemptAt(), null, n.lastError()));
  }

  @Override
  public synchronized boolean markSent(UUID id, String token, Instant at) {
    return owned(id, token)
        && put(notices.get(id), NoticeStatus.SENT, null, null, at, null) != null;
  }

  @Override
  public synchronized boolean reschedule(UUID id, String token, Instant next, String error) {
    return owned(id, token)
        && put(notices.get(id), NoticeStatus.PENDING, null, next, null, error) != null;
  }

  @Override
  public synchronized boolean markFailed(UUID id, String token, String error) {
    return owned(id, token)
        && put(notices.get(id), NoticeStatus.FAILED, null, null, null, error) != null;
  }

  private boolean owned(UUID id, String token) {
    Notice n = notices.get(id);
    return n != null && n.status() == NoticeStatus.SENDING && token.equals(tokens.get(id));
  }

  private Notice put(
      Notice n, NoticeStatus status, Integer attempts, Instant next, Instant sentAt, String error) {
    if (status != NoticeStatus.SENDING) {
      tokens.remove(n.id());
      claimedUntil.remove(n.id());
    }
    Notice changed =
        new Notice(
            n.id(),
            n.userId(),
            n.kind(),
            n.at(),
            n.ip(),
            n.userAgent(),
            n.correlationId(),
            n.facts(),
            n.recipient(),
            status,
            attempts == null ? n.attempts() : attempts,
            next,
            sentAt,
            error);
    notices.put(n.id(), changed);
    return changed;
  }
}
