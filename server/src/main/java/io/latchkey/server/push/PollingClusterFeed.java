package io.latchkey.server.push;

import io.latchkey.core.push.Challenge;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For the embedded database, which has no LISTEN/NOTIFY: every half second, the pending challenges
 * created since the newest one seen are announced here. One embedded database normally has one
 * node; this keeps a second node on the same database (tests, a quick trial) correct.
 */
public final class PollingClusterFeed implements ClusterFeed {
  private static final Logger log = LoggerFactory.getLogger(PollingClusterFeed.class);
  private static final long INTERVAL_MILLIS = 500;
  private static final int REMEMBERED = 10_000;

  private final JdbcClient jdbc;
  private final List<BiConsumer<UUID, UUID>> listeners = new CopyOnWriteArrayList<>();
  private final SequencedSet<UUID> seen = new LinkedHashSet<>();
  private Instant highWater;
  private volatile boolean running;
  private volatile Thread thread;

  public PollingClusterFeed(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void announce(Challenge challenge) {
    // Nothing to send: the other nodes read the table.
  }

  @Override
  public void onAnnouncement(BiConsumer<UUID, UUID> listener) {
    listeners.add(listener);
  }

  @Override
  public void onReconnect(Runnable listener) {
    // A poll cannot miss anything, so there is never anything to resend.
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("latchkey-cluster-poll").start(this::poll);
  }

  @Override
  public void stop() {
    running = false;
    Thread current = thread;
    if (current != null) {
      current.interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void poll() {
    while (running) {
      try {
        Thread.sleep(INTERVAL_MILLIS);
        check();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("challenge poll failed: {}", e.toString());
      }
    }
  }

  private void check() {
    List<Row> rows =
        highWater == null
            ? jdbc.sql(
                    "SELECT id, user_id, created_at FROM push_challenges WHERE state = 'PENDING'")
                .query(
                    (rs, i) ->
                        new Row(
                            rs.getObject("id", UUID.class),
                            rs.getObject("user_id", UUID.class),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list()
            : jdbc.sql(
                    "SELECT id, user_id, created_at FROM push_challenges"
                        + " WHERE state = 'PENDING' AND created_at >= :since")
                .param("since", OffsetDateTime.ofInstant(highWater, ZoneOffset.UTC))
                .query(
                    (rs, i) ->
                        new Row(
                            rs.getObject("id", UUID.class),
                            rs.getObject("user_id", UUID.class),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
    for (Row row : rows) {
      if (highWater == null || row.createdAt().isAfter(highWater)) {
        highWater = row.createdAt();
      }
      if (!seen.add(row.id())) {
        continue;
      }
      if (seen.size() > REMEMBERED) {
        seen.removeFirst();
      }
      for (BiConsumer<UUID, UUID> listener : listeners) {
        listener.accept(row.id(), row.userId());
      }
    }
    if (highWater == null) {
      highWater = Instant.EPOCH;
    }
  }

  private record Row(UUID id, UUID userId, Instant createdAt) {}
}
