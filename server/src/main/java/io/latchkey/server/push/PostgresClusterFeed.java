package io.latchkey.server.push;

import com.zaxxer.hikari.HikariDataSource;
import io.latchkey.core.push.Challenge;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * LISTEN/NOTIFY on channel {@value #CHANNEL}: a node announces each new challenge with {@code
 * pg_notify} (payload {@code challengeId:userId}, no secret and no number), and every node listens
 * on a connection of its own, outside the pool. When that connection fails (the database restarts)
 * the node reconnects with back-off, then resends what is pending to its devices, so no
 * announcement made meanwhile is lost.
 */
public final class PostgresClusterFeed implements ClusterFeed {
  static final String CHANNEL = "latchkey_challenges";
  private static final Logger log = LoggerFactory.getLogger(PostgresClusterFeed.class);
  private static final int POLL_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private final DataSource dataSource;
  private final JdbcClient jdbc;
  private final List<BiConsumer<UUID, UUID>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> reconnects = new CopyOnWriteArrayList<>();
  private volatile boolean running;
  private volatile Thread thread;

  public PostgresClusterFeed(DataSource dataSource, JdbcClient jdbc) {
    this.dataSource = dataSource;
    this.jdbc = jdbc;
  }

  @Override
  public void announce(Challenge challenge) {
    jdbc.sql("SELECT pg_notify(:channel, :payload)")
        .param("channel", CHANNEL)
        .param("payload", challenge.id() + ":" + challenge.userId().value())
        .query()
        .singleValue();
  }

  @Override
  public void onAnnouncement(BiConsumer<UUID, UUID> listener) {
    listeners.add(listener);
  }

  @Override
  public void onReconnect(Runnable listener) {
    reconnects.add(listener);
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("latchkey-cluster-feed").start(this::listen);
  }

  @Override
  public void stop() {
    running = false;
    Thread current = thread;
    if (current != null) {
      current.interrupt();
      try {
        current.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void listen() {
    long backoff = 250;
    boolean first = true;
    while (running) {
      try (Connection connection = open();
          Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
        PGConnection postgres = connection.unwrap(PGConnection.class);
        if (!first) {
          log.info("cluster feed reconnected; resending what is pending to connected devices");
          reconnects.forEach(PostgresClusterFeed::runSafely);
        }
        first = false;
        backoff = 250;
        while (running) {
          PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
          if (notifications == null) {
            continue;
          }
          for (PGNotification notification : notifications) {
            dispatch(notification.getParameter());
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("cluster feed lost its database connection ({}); retrying", e.toString());
        first = false;
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void dispatch(String payload) {
    try {
      int colon = payload.indexOf(':');
      UUID challenge = UUID.fromString(colon < 0 ? payload : payload.substring(0, colon));
      UUID user = colon < 0 ? null : UUID.fromString(payload.substring(colon + 1));
      for (BiConsumer<UUID, UUID> listener : listeners) {
        listener.accept(challenge, user);
      }
    } catch (RuntimeException e) {
      log.warn("ignored a cluster announcement that could not be handled: {}", e.toString());
    }
  }

  private Connection open() throws SQLException {
    if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
      Properties properties = new Properties();
      properties.putAll(hikari.getDataSourceProperties());
      if (hikari.getUsername() != null) {
        properties.setProperty("user", hikari.getUsername());
      }
      if (hikari.getPassword() != null) {
        properties.setProperty("password", hikari.getPassword());
      }
      properties.setProperty("connectTimeout", "5");
      properties.setProperty("tcpKeepAlive", "true");
      return DriverManager.getConnection(hikari.getJdbcUrl(), properties);
    }
    return dataSource.getConnection();
  }

  /** Runs a reconnect listener so that one failing listener does not stop the feed. */
  private static void runSafely(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      log.warn("resync after reconnect failed: {}", e.toString());
    }
  }
}
