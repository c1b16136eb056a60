package io.latchkey.core.backupcode;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.PasswordHasher;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.verification.Lockout;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Issues a user's backup codes: {@value #COUNT} one-time codes, shown once and stored only as
 * salted Argon2id hashes; issuing a new set revokes the old one in the same transaction
 * (SECURITY-TESTS E1, E2, C5). Spending one is {@link BackupCodeMethod}'s job, behind the shared
 * failure counter like every other factor.
 */
public final class BackupCodes {
  public static final int COUNT = 10;

  /**
   * How codes are hashed: Argon2id with 4 MiB, 2 passes, 1 lane, a 16-byte salt per code. Lighter
   * than passwords' 19 MiB because 50 random bits already make an offline search of a stolen table
   * hopeless (NIST SP 800-63B rev. 4 allows a small work factor for them), and an attempt compares
   * against up to {@value #COUNT} hashes. Cost measured by BackupCodeBenchmark
   * (docs/BENCHMARKS.md).
   */
  public static final int HASH_MEMORY_KIB = 4 * 1024;

  public static final int HASH_ITERATIONS = 2;

  private final BackupCodeRepository repository;
  private final PasswordHasher hasher;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;

  public BackupCodes(
      BackupCodeRepository repository,
      PasswordHasher hasher,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      SecureRandom random) {
    this.repository = repository;
    this.hasher = hasher;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  /**
   * A new set, in the grouped form to show the user once. Returned only after the hashes are
   * committed, so what the user writes down is always what is stored (SECURITY-TESTS I2).
   */
  public record Issued(List<String> codes, Instant at) {
    public Issued {
      codes = List.copyOf(codes);
    }

    @Override
    public String toString() {
      return "Issued[" + codes.size() + " codes at " + at + "]";
    }
  }

  /** How many codes the user has, and how many are left. */
  public record Summary(int issued, int remaining, Instant issuedAt) {
    public static final Summary NONE = new Summary(0, 0, null);

    public boolean any() {
      return issued > 0;
    }
  }

  /**
   * Issues a new set and revokes the old one. The caller has checked that the user proved a factor
   * recently (step-up); this only refuses a user who is not active.
   */
  public Issued generate(User user, RequestContext context) {
    Lockout.requireActive(user);
    Instant now = clock.instant();
    UUID setId = UUID.randomUUID();
    Set<String> plain = new LinkedHashSet<>();
    while (plain.size() < COUNT) {
      plain.add(BackupCodeFormat.generate(random));
    }
    List<BackupCode> rows = new ArrayList<>();
    for (String code : plain) {
      rows.add(new BackupCode(UUID.randomUUID(), user.id(), setId, hasher.hash(code), now, null));
    }
    int revoked =
        transactions.inTransaction(
            () -> {
              int unused =
                  (int) repository.listByUser(user.id()).stream().filter(c -> !c.used()).count();
              repository.replaceAll(user.id(), rows);
              return unused;
            });
    audit.record(
        AuditEvent.of(AuditEventType.BACKUP_CODES_GENERATED, context, clock.instant())
            .user(user.id(), user.username().value())
            .flow(setId)
            .detail(
                COUNT
                    + " backup codes issued"
                    + (revoked > 0
                        ? "; the previous set (" + revoked + " unused) no longer works"
                        : ""))
            .build());
    return new Issued(plain.stream().map(BackupCodeFormat::display).toList(), now);
  }

  public Summary summary(UserId userId) {
    List<BackupCode> all = repository.listByUser(userId);
    if (all.isEmpty()) {
      return Summary.NONE;
    }
    int remaining = (int) all.stream().filter(c -> !c.used()).count();
    Instant issuedAt = all.stream().map(BackupCode::createdAt).min(Instant::compareTo).orElse(null);
    return new Summary(all.size(), remaining, issuedAt);
  }
}
