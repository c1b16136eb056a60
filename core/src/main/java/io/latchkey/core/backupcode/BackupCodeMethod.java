package io.latchkey.core.backupcode;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.method.CodeMethod;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.PasswordHasher;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
  private final Transactions transactions;
  private final Notices notices;

  /**
   * @param notices told, in the transaction that spends a code, that one was used and how many are
   *     left (SECURITY-TESTS E2)
   */
  public BackupCodeMethod(
      BackupCodeRepository repository,
      PasswordHasher hasher,
      Transactions transactions,
      Notices notices) {
    this.repository = repository;
    this.hasher = hasher;
    this.transactions = transactions;
    this.notices = notices;
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
        return check(code, now, null);
      }

      @Override
      public CodeCheck check(String code, Instant now, RequestContext context) {
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
        BackupCode spent = matched;
        boolean accepted =
            !spent.used()
                && transactions.inTransaction(
                    () -> {
                      if (!repository.markUsedIfUnused(spent.id(), now)) {
                        return false;
                      }
                      if (context != null) {
                        long left = all.stream().filter(c -> !c.used()).count() - 1;
                        notices.send(
                            user.id(),
                            NoticeKind.BACKUP_CODE_USED,
                            context,
                            Map.of("remaining", Long.toString(Math.max(0, left))));
                      }
                      return true;
                    });
        return new CodeCheck(accepted ? Outcome.ACCEPTED : Outcome.REUSED, id);
      }
    };
  }
}
