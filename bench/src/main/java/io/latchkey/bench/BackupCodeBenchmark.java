package io.latchkey.bench;

import io.latchkey.core.backupcode.BackupCode;
import io.latchkey.core.backupcode.BackupCodeFormat;
import io.latchkey.core.backupcode.BackupCodeMethod;
import io.latchkey.core.backupcode.BackupCodeRepository;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.method.CodeMethod;
import io.latchkey.core.user.PasswordHasher;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.user.Username;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * What one backup-code attempt costs on the CPU (SECURITY-TESTS E1: "verifying one code costs at
 * most the documented budget"): the typed code against the ten stored Argon2id hashes of a set,
 * with the server's parameters. The store is in memory, so the figure is the hashing. A wrong code
 * (the usual case for an attacker) checks all ten; so does a right one, by design.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BackupCodeBenchmark {
  private CodeMethod.Loaded loaded;
  private PasswordHasher hasher;
  private String right;
  private String wrong;

  @Setup
  public void setUp() {
    Argon2PasswordEncoder encoder =
        new Argon2PasswordEncoder(
            16, 32, 1, BackupCodes.HASH_MEMORY_KIB, BackupCodes.HASH_ITERATIONS);
    hasher =
        new PasswordHasher() {
          @Override
          public String hash(CharSequence password) {
            return encoder.encode(password);
          }

          @Override
          public boolean matches(CharSequence password, String storedHash) {
            return encoder.matches(password, storedHash);
          }
        };
    SecureRandom random = new SecureRandom();
    UserId userId = UserId.random();
    UUID set = UUID.randomUUID();
    List<BackupCode> codes = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < BackupCodes.COUNT; i++) {
      String code = BackupCodeFormat.generate(random);
      plain.add(code);
      codes.add(
          new BackupCode(UUID.randomUUID(), userId, set, hasher.hash(code), Instant.EPOCH, null));
    }
    right = plain.get(BackupCodes.COUNT - 1);
    wrong = BackupCodeFormat.generate(random);
    BackupCodeRepository repository =
        new BackupCodeRepository() {
          @Override
          public List<BackupCode> listByUser(UserId id) {
            return codes;
          }

          @Override
          public void replaceAll(UserId id, List<BackupCode> replacement) {}

          @Override
          public boolean markUsedIfUnused(UUID codeId, Instant at) {
            return false; // keeps the set unspent, so every iteration does the same work
          }

          @Override
          public int deleteAllForUser(UserId id) {
            return 0;
          }
        };
    User user =
        new User(
            userId,
            Username.of("bench"),
            "bench",
            UserStatus.ACTIVE,
            false,
            0,
            null,
            null,
            Instant.EPOCH);
    loaded = new BackupCodeMethod(repository, hasher).load(user);
  }

  /** A guess: compared with all ten hashes, matches none. */
  @Benchmark
  public CodeMethod.CodeCheck checkAWrongCode() {
    return loaded.check(wrong, Instant.EPOCH);
  }

  /** The user's code (the last of the set): also compared with all ten. */
  @Benchmark
  public CodeMethod.CodeCheck checkARightCode() {
    return loaded.check(right, Instant.EPOCH);
  }

  /** Hashing one code, as issuing a set does ten times. */
  @Benchmark
  public String hashOneCode() {
    return hasher.hash(right);
  }
}
