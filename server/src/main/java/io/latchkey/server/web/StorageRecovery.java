package io.latchkey.server.web;

import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * After the database's storage failed ({@link ErrorCodes#storageFailed}: a full disk, a read-only
 * data folder), the embedded H2 stays closed for every connection that saw it fail: it would answer
 * {@code service_unavailable} until a restart, even once the disk has room again. So the pool's
 * connections are renewed: when the last one of the failed database is closed, H2 lets it go, and
 * the next connection opens the file again (recovering to the last commit), or fails as long as the
 * disk still cannot be written. At most once a second; nothing to do for other pools.
 */
@Component
public final class StorageRecovery {
  private static final Logger log = LoggerFactory.getLogger(StorageRecovery.class);
  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private final DataSource dataSource;
  private final AtomicLong last = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

  public StorageRecovery(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Renews the pool's connections if {@code error} is a storage failure. */
  public void onFailure(Throwable error) {
    if (!ErrorCodes.storageFailed(error)) {
      return;
    }
    long now = System.nanoTime();
    long before = last.get();
    if (now - before < INTERVAL_NANOS || !last.compareAndSet(before, now)) {
      return;
    }
    if (dataSource instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
      log.warn("the database cannot write its files; renewing its connections");
      hikari.getHikariPoolMXBean().softEvictConnections();
    }
  }
}
