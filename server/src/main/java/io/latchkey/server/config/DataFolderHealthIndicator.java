package io.latchkey.server.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness ({@code dataFolder}): the data folder takes a write. Down while it is read-only or the
 * disk is full, so that a load balancer stops sending requests that would fail; up again once it
 * can be written (the embedded database then opens again, see {@code StorageRecovery}). Free space
 * below the threshold is Spring's {@code diskSpace} indicator, also in the readiness group.
 */
@Component("dataFolderHealthIndicator")
public final class DataFolderHealthIndicator implements HealthIndicator {
  private final LatchkeyProperties properties;

  public DataFolderHealthIndicator(LatchkeyProperties properties) {
    this.properties = properties;
  }

  @Override
  public Health health() {
    try {
      DataFolderCheck.checkWritable(properties.data().toAbsolutePath().normalize());
      return Health.up().build();
    } catch (DataFolderCheck.NotWritable e) {
      return Health.down().withDetail("reason", e.getMessage()).build();
    }
  }
}
