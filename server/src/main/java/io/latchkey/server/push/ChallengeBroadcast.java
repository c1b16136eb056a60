package io.latchkey.server.push;

import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengePublisher;
import io.latchkey.core.push.ChallengeRepository;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes a new challenge to the devices connected to this node at once, and announces it to the
 * other nodes through the {@link ClusterFeed}; announcements from other nodes are delivered here
 * the same way. A device that is offline, or a lost announcement, loses nothing: a device gets all
 * that is pending when it (re)connects, and this node resends what is pending after its feed
 * reconnects.
 */
@Component
public class ChallengeBroadcast implements ChallengePublisher {
  private static final Logger log = LoggerFactory.getLogger(ChallengeBroadcast.class);

  private final DeviceHub hub;
  private final ClusterFeed feed;
  private final ChallengeRepository challenges;

  /**
   * Challenges published here, recently: the feed echoes them back (NOTIFY reaches its sender, the
   * poll sees every row), and they were already delivered to this node's devices.
   */
  private final java.util.Set<UUID> publishedHere =
      java.util.Collections.newSetFromMap(
          java.util.Collections.synchronizedMap(
              new java.util.LinkedHashMap<UUID, Boolean>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<UUID, Boolean> eldest) {
                  return size() > 10_000;
                }
              }));

  public ChallengeBroadcast(DeviceHub hub, ClusterFeed feed, ChallengeRepository challenges) {
    this.hub = hub;
    this.feed = feed;
    this.challenges = challenges;
    feed.onAnnouncement(this::announced);
    feed.onReconnect(hub::resync);
  }

  @Override
  public void publish(Challenge challenge) {
    publishedHere.add(challenge.id());
    hub.publish(challenge);
    try {
      feed.announce(challenge);
    } catch (RuntimeException e) {
      // Devices on other nodes get it when they reconnect or when that node's feed resyncs.
      log.warn("could not announce challenge {} to other nodes: {}", challenge.id(), e.toString());
    }
  }

  private void announced(UUID challengeId, UUID userId) {
    if (publishedHere.contains(challengeId) || userId != null && !hub.hasConnections(userId)) {
      return;
    }
    challenges.findById(challengeId).ifPresent(hub::publish);
  }
}
