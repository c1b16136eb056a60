package io.latchkey.server.keys;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.web.ErrorCodes;
import io.latchkey.store.JdbcKeyRotations;
import io.latchkey.store.JdbcKeyRotations.Batch;
import io.latchkey.store.JdbcKeyRotations.Rotation;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Rotates the data key while the server serves (issue 14). {@link #start} makes a new data key the
 * sealing key on every node and records the rotation; the job then re-seals every sealed value in
 * batches and retires the old keys once no row names them. It runs in the background on one node at
 * a time: every node polls ({@code latchkey.key-rotation.poll-interval}) and the node holding the
 * rotation's lease (renewed at each batch) works; a node that dies loses the lease when it expires
 * ({@code latchkey.key-rotation.lease}) and another node, or the same after a restart, resumes from
 * the database. Every step is audited under the correlation ID of the request that started the
 * rotation.
 */
@Component
public class KeyRotationJob {
  static final String ACTOR = "system:key-rotation";
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotationJob.class);

  private final JdbcKeyRotations rotations;
  private final AuditLog audit;
  private final Clock clock;
  private final int batchSize;
  private final Duration batchPause;
  private final Duration lease;
  private final String node = "node-" + UUID.randomUUID();
  private final AtomicBoolean working = new AtomicBoolean();
  private volatile boolean stopping;

  public KeyRotationJob(
      JdbcKeyRotations rotations,
      AuditLog audit,
      Clock clock,
      @Value("${latchkey.key-rotation.batch-size:200}") int batchSize,
      @Value("${latchkey.key-rotation.batch-pause:100ms}") Duration batchPause,
      @Value("${latchkey.key-rotation.lease:60s}") Duration lease) {
    if (batchSize < 1 || lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "latchkey.key-rotation.batch-size must be at least 1 and latchkey.key-rotation.lease"
              + " at least 1s");
    }
    this.rotations = rotations;
    this.audit = audit;
    this.clock = clock;
    this.batchSize = batchSize;
    this.batchPause = batchPause;
    this.lease = lease;
  }

  /**
   * Starts a rotation and the job on this node.
   *
   * @throws LatchkeyException {@code conflict} while another rotation runs (audited)
   */
  public Rotation start(RequestContext context) {
    Rotation started =
        rotations
            .start(context.actor(), context.correlationId(), clock.instant())
            .orElseThrow(() -> refuse(context));
    audit.record(
        AuditEvent.of(AuditEventType.KEY_ROTATION_STARTED, context, clock.instant())
            .detail(
                context.actor()
                    + " started rotation "
                    + started.id()
                    + ": new data key "
                    + started.newKeyId()
                    + " seals new values on every node; "
                    + rotations.countNotSealedWith(started.newKeyId())
                    + " sealed value(s) to re-seal from "
                    + String.join(", ", started.oldKeyIds()))
            .build());
    Thread.ofVirtual().name("key-rotation-" + started.id()).start(this::runQuietly);
    return started;
  }

  private LatchkeyException refuse(RequestContext context) {
    Rotation running = rotations.running().orElse(null);
    String detail =
        running == null
            ? "another rotation was started at the same time"
            : "rotation "
                + running.id()
                + " (started "
                + running.startedAt()
                + " by "
                + running.startedBy()
                + ") is still running: "
                + running.batches()
                + " batch(es), "
                + running.resealed()
                + " value(s) re-sealed";
    audit.record(
        AuditEvent.of(AuditEventType.KEY_ROTATION_REFUSED, context, clock.instant())
            .failure("rotation_in_progress")
            .detail(detail)
            .build());
    return new LatchkeyException(
        ErrorCode.CONFLICT, "a rotation is running: " + detail, List.of("keys.rotation.running"));
  }

  /** Every node looks for a running rotation; the one that gets its lease works on it. */
  @Scheduled(
      fixedDelayString = "${latchkey.key-rotation.poll-interval:10s}",
      initialDelayString = "${latchkey.key-rotation.poll-interval:10s}")
  public void poll() {
    runQuietly();
  }

  private void runQuietly() {
    try {
      run();
    } catch (RuntimeException e) {
      if (!ErrorCodes.databaseUnavailable(e)) {
        LOG.warn("key rotation stopped, it resumes on the next run: {}", e.toString());
      } else {
        LOG.warn("key rotation paused, database unavailable: {}", e.toString());
      }
    }
  }

  /** Works on the running rotation while this node holds its lease; one thread per node. */
  void run() {
    if (stopping || !working.compareAndSet(false, true)) {
      return;
    }
    try {
      Rotation rotation = rotations.running().orElse(null);
      if (rotation == null || !rotations.claim(rotation.id(), node, clock.instant(), lease)) {
        return;
      }
      try {
        work(rotation);
      } catch (RuntimeException e) {
        rotations.recordError(rotation.id(), e.toString(), clock.instant());
        throw e;
      } finally {
        if (stopping) {
          rotations.release(rotation.id(), node);
        }
      }
    } finally {
      working.set(false);
    }
  }

  private void work(Rotation rotation) {
    RequestContext context = new RequestContext(rotation.correlationId(), "", "", ACTOR);
    String newKey = rotation.newKeyId();
    while (!stopping) {
      Batch batch = rotations.resealBatch(newKey, batchSize);
      if (batch.seen() > 0) {
        if (!rotations.recordBatch(rotation.id(), node, batch.resealed(), clock.instant(), lease)) {
          return; // another node took the lease over
        }
        audit.record(
            AuditEvent.of(AuditEventType.KEY_ROTATION_BATCH, context, clock.instant())
                .detail(
                    "rotation "
                        + rotation.id()
                        + ": "
                        + batch.resealed()
                        + " of "
                        + batch.seen()
                        + " value(s) re-sealed with "
                        + newKey
                        + (batch.resealed() < batch.seen()
                            ? " (the others changed meanwhile and are taken again)"
                            : ""))
                .build());
        pause();
        continue;
      }
      // Final pass done: retire every old key; the database refuses one a row still names.
      List<String> retired = rotations.retireAllBut(newKey);
      rotations.addRetired(rotation.id(), retired);
      for (String keyId : retired) {
        audit.record(
            AuditEvent.of(AuditEventType.KEY_RETIRED, context, clock.instant())
                .detail(
                    "rotation "
                        + rotation.id()
                        + ": key "
                        + keyId
                        + " retired (deleted from the database; no row uses it)")
                .build());
      }
      if (rotations.countNotSealedWith(newKey) > 0 || !rotations.otherKeys(newKey).isEmpty()) {
        pause();
        continue; // a value sealed with an old key meanwhile: another pass
      }
      Rotation now = rotations.find(rotation.id()).orElseThrow();
      if (rotations.finish(rotation.id(), node, now.retiredKeyIds(), clock.instant())) {
        audit.record(
            AuditEvent.of(AuditEventType.KEY_ROTATION_FINISHED, context, clock.instant())
                .detail(
                    "rotation "
                        + rotation.id()
                        + " finished: "
                        + now.resealed()
                        + " value(s) re-sealed in "
                        + now.batches()
                        + " batch(es); every value is sealed with "
                        + newKey
                        + "; retired: "
                        + (now.retiredKeyIds().isEmpty()
                            ? "none"
                            : String.join(", ", now.retiredKeyIds())))
                .build());
        LOG.info(
            "key rotation {} finished: data key {}, retired {}",
            rotation.id(),
            newKey,
            now.retiredKeyIds());
      }
      return;
    }
  }

  private void pause() {
    if (batchPause.isZero() || batchPause.isNegative()) {
      return;
    }
    try {
      Thread.sleep(batchPause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  @PreDestroy
  void stop() {
    stopping = true;
  }
}
