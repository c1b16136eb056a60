package io.latchkey.server.push;

import io.latchkey.core.push.Challenge;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * How the nodes of one database tell each other about new challenges: PostgreSQL's LISTEN/NOTIFY
 * ({@link PostgresClusterFeed}), or, on an embedded database, a poll of the challenge table ({@link
 * PollingClusterFeed}). No broker beyond the database itself.
 */
public interface ClusterFeed extends org.springframework.context.SmartLifecycle {
  /** Tells every node (this one included) that {@code challenge} was created. */
  void announce(Challenge challenge);

  /** Called with (challenge ID, user ID) for each announcement from any node. */
  void onAnnouncement(BiConsumer<UUID, UUID> listener);

  /** Called after the feed (re)connects, when announcements may have been missed. */
  void onReconnect(Runnable listener);
}
