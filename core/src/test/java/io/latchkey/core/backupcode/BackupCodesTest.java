package io.latchkey.core.backupcode;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.VerificationService.Verified;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BackupCodesTest {
  private static final int THRESHOLD = 5;
  private static final Pattern SHOWN = Pattern.compile("[A-Z2-7]{5}-[A-Z2-7]{5}");

  private final CoreFixture core = new CoreFixture(THRESHOLD);
  private final User alice = core.addUser("alice");

  @Test
  void tenDistinctCodesOfFiftyBitsAreShownGroupedAndOnlyTheirHashesAreKept() {
    List<String> codes = core.backupCodes.generate(alice, Requests.by("alice")).codes();

    assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> SHOWN.matcher(c).matches());
    assertThat(BackupCodeFormat.BITS).isGreaterThanOrEqualTo(50);
    List<String> stored = core.backupCodeStore.storedHashes();
    assertThat(stored).hasSize(10);
    for (String code : codes) {
      String canonical = code.replace("-", "");
      assertThat(stored).noneMatch(h -> h.contains(canonical) || h.contains(code));
    }
    assertThat(core.backupCodes.summary(alice.id()))
        .isEqualTo(new BackupCodes.Summary(10, 10, core.clock.instant()));
    assertThat(core.audit.single(AuditEventType.BACKUP_CODES_GENERATED).detail())
        .contains("10 backup codes")
        .doesNotContain(codes.get(0));
  }

  @Test
  void aCodeSignsInOnceAndIsThenRefusedAsUsed() {
    String code = core.backupCodes.generate(alice, Requests.by("alice")).codes().get(3);

    Verified verified = core.verification.verify("alice", code, Requests.by("app"));

    assertThat(verified.kind()).isEqualTo(MethodKind.BACKUP_CODE);
    assertThat(core.backupCodes.summary(alice.id()).remaining()).isEqualTo(9);
    assertRefused(
        () -> core.verification.verify("alice", code, Requests.by("app")), ErrorCode.CODE_REUSED);
    assertThat(core.reload(alice).failedAttempts())
        .as("a spent code counts toward the lockout like any wrong code")
        .isEqualTo(1);
  }

  @Test
  void typingIsForgivingAboutCaseDashesAndSpaces() {
    String code = core.backupCodes.generate(alice, Requests.by("alice")).codes().get(0);
    String typed = " " + code.toLowerCase(Locale.ROOT).replace("-", " ") + " ";

    assertThat(core.verification.verify("alice", typed, Requests.by("app")).kind())
        .isEqualTo(MethodKind.BACKUP_CODE);
  }

  @Test
  void regeneratingRevokesEveryOldCode() {
    List<String> old = core.backupCodes.generate(alice, Requests.by("alice")).codes();
    List<String> fresh = core.backupCodes.generate(alice, Requests.by("alice")).codes();

    assertThat(fresh).doesNotContainAnyElementsOf(old);
    for (String code : old.subList(0, 3)) {
      assertRefused(
          () -> core.verification.verify("alice", code, Requests.by("app")),
          ErrorCode.INVALID_CODE);
    }
    assertThat(core.verification.verify("alice", fresh.get(0), Requests.by("app")).kind())
        .isEqualTo(MethodKind.BACKUP_CODE);
    assertThat(core.audit.ofType(AuditEventType.BACKUP_CODES_GENERATED).get(1).detail())
        .contains("previous set (10 unused) no longer works");
  }

  @Test
  void guessesShareTheOneFailureCounterAndBlockAtTheThreshold() {
    String right = core.backupCodes.generate(alice, Requests.by("alice")).codes().get(0);
    Set<String> guesses = new HashSet<>();
    while (guesses.size() < THRESHOLD) {
      guesses.add(BackupCodeFormat.display(BackupCodeFormat.generate(core.random)));
    }
    for (String guess : guesses) {
      assertRefused(
          () -> core.verification.verify("alice", guess, Requests.by("app")),
          ErrorCode.INVALID_CODE);
    }

    assertThat(core.reload(alice).status()).isEqualTo(io.latchkey.core.user.UserStatus.BLOCKED);
    assertRefused(
        () -> core.verification.verify("alice", right, Requests.by("app")), ErrorCode.USER_BLOCKED);
  }

  @Test
  void aUserWithOnlyBackupCodesIsEnrolledAndATotpShapedCodeIsMalformed() {
    core.backupCodes.generate(alice, Requests.by("alice"));

    assertRefused(
        () -> core.verification.verify("alice", "123456", Requests.by("app")),
        ErrorCode.BAD_REQUEST);
  }

  @Test
  void theFormatRefusesLookAlikesAndWrongLengths() {
    assertThat(BackupCodeFormat.canonical("abcde-fghij")).contains("ABCDEFGHIJ");
    assertThat(BackupCodeFormat.canonical("ABCDE-FGHI")).isEmpty();
    assertThat(BackupCodeFormat.canonical("ABCDE-FGHIJK")).isEmpty();
    assertThat(BackupCodeFormat.canonical("ABCDE-FGH1J")).as("1 is not in the alphabet").isEmpty();
    assertThat(BackupCodeFormat.canonical("ＡBCDE-FGHIJ")).as("full-width A").isEmpty();
    assertThat(BackupCodeFormat.canonical(null)).isEmpty();
    assertThat(BackupCodeFormat.canonical("A".repeat(41))).isEmpty();
  }
}
