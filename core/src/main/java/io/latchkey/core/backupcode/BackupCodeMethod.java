package io.latchkey.core.backupcode;

import io.latchkey.core.method.CodeMethod;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.user.PasswordHasher;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Backup codes as a {@link CodeMethod}, so every path that checks a code (the API, the sign-in
 * page, step-up) accepts them behind the one shared failure counter (SECURITY-TESTS B4). Each code
 * is spent by one conditional update: of racing requests with the same code exactly one is accepted
 * (C5). The typed code is compared with every stored hash of the set, so the time taken does not
 * tell which one matched.
 */
public final class BackupCodeMethod implements CodeMethod {
  private final BackupCodeRepository repository;
  private final PasswordHasher hasher;

  public BackupCodeMethod(BackupCodeRepository repository, PasswordHasher hasher) {
    this.repository = repository;
    this.hasher = hasher;
  }

  @Override
  public MethodKind kind() {
    return MethodKind.BACKUP_CODE;
  }

  @Override
  public Loaded load(User user) {
    List<BackupCode> all = repository.listByUser(user.id());
    return new Loaded() {
      @Override
      public boolean registered() {
        return !all.isEmpty();
      }

      @Override
      public boolean accepts(String code) {
        return BackupCodeFormat.canonical(code).isPresent();
      }

      @Override
      public CodeCheck check(String code, Instant now) {
        Optional<String> canonical = BackupCodeFormat.canonical(code);
        if (canonical.isEmpty()) {
          return CodeCheck.REJECTED;
        }
        BackupCode matched = null;
        for (BackupCode stored : all) {
          if (hasher.matches(canonical.get(), stored.hash()) && matched == null) {
            matched = stored;
          }
        }
        if (matched == null) {
          return CodeCheck.REJECTED;
        }
        MethodId id = new MethodId(matched.id());
        if (!matched.used() && repository.markUsedIfUnused(matched.id(), now)) {
          return new CodeCheck(Outcome.ACCEPTED, id);
        }
        return new CodeCheck(Outcome.REUSED, id);
      }
    };
  }
}
