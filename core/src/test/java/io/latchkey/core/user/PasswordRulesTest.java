package io.latchkey.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NIST SP 800-63B §5.1.1.2 as Latchkey applies it to every new password (issue 14). */
class PasswordRulesTest {
  private final PasswordRules rules = PasswordRules.shipped(PasswordRules.DEFAULT_MIN_LENGTH);
  private final Username alice = Username.of("alice");

  @Test
  void refusesAPasswordShorterThanEightCharacters() {
    assertThat(rules.problem("seven c", alice)).hasValue(ErrorCode.PASSWORD_TOO_SHORT);
    assertThat(rules.problem("", alice)).hasValue(ErrorCode.PASSWORD_TOO_SHORT);
    assertThat(rules.problem(null, alice)).hasValue(ErrorCode.PASSWORD_TOO_SHORT);
    assertThat(rules.problem("eight ch", alice)).isEmpty();
  }

  @Test
  void countsCodePointsNotJavaChars() {
    // Four emoji are eight Java chars but four characters: too short.
    String fourEmoji = "\uD83D\uDD11\uD83D\uDD12\uD83D\uDD13\uD83D\uDD10";
    assertThat(fourEmoji).hasSize(8);
    assertThat(rules.problem(fourEmoji, alice)).hasValue(ErrorCode.PASSWORD_TOO_SHORT);
    assertThat(rules.problem(fourEmoji + fourEmoji, alice)).isEmpty();
    // 256 emoji are 512 Java chars, and still accepted.
    assertThat(rules.problem("\uD83D\uDD11\uD83D\uDD12".repeat(128), alice)).isEmpty();
  }

  @Test
  void acceptsLongPasswordsUpTo256CharactersAndRefusesLonger() {
    assertThat(rules.problem("a long passphrase ".repeat(4).substring(0, 64), alice)).isEmpty();
    assertThat(rules.problem("q".repeat(65) + " and more words", alice)).isEmpty();
    assertThat(rules.problem("abcdefgh".repeat(PasswordRules.MAX_LENGTH / 8), alice)).isEmpty();
    assertThat(rules.problem("x".repeat(PasswordRules.MAX_LENGTH + 1), alice))
        .hasValue(ErrorCode.PASSWORD_TOO_LONG);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password",
        "Password1",
        "PASSWORD123",
        "12345678",
        "123456789",
        "qwertyuiop",
        "iloveyou",
        "1q2w3e4r",
        "letmein123",
        "football",
        "Welcome1",
        "monkey2024"
      })
  void refusesCommonPasswordsInAnyCase(String common) {
    assertThat(rules.problem(common, alice)).hasValue(ErrorCode.PASSWORD_TOO_COMMON);
  }

  @Test
  void refusesTheUsernameAsThePassword() {
    Username longName = Username.of("margaret");
    assertThat(rules.problem("Margaret", longName)).hasValue(ErrorCode.PASSWORD_TOO_COMMON);
    assertThat(rules.problem("margaret", alice)).isEmpty();
  }

  /**
   * What a guesser tries first beyond the list (SECURITY-TESTS, NIST §5.1.1.2; found by the review
   * of issue 14): one character repeated, the list's words padded with spaces or written in
   * full-width letters, and the username or a listed word followed by digits and symbols.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "        ",
        "zzzzzzzzz",
        "11111111111",
        "password ",
        "  password  ",
        "ｐａｓｓｗｏｒｄ",
        "alice123",
        "Alice2024!",
        "football#2025",
        "sunshine!!!"
      })
  void refusesWhatAGuesserTriesFirst(String guessable) {
    assertThat(rules.problem(guessable, alice)).hasValue(ErrorCode.PASSWORD_TOO_COMMON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "allsmallletters",
        "ALLCAPITALLETTERS",
        "8 plums ripen slowly",
        "ーパスワードです日本語",
        "       spaces around       ",
        "tr0ub4dor&3 but longer"
      })
  void hasNoCompositionRule(String password) {
    assertThat(rules.problem(password, alice)).isEmpty();
  }

  @Test
  void shipsSeveralHundredCommonPasswordsInLowerCase() {
    assertThat(PasswordRules.commonPasswords())
        .hasSizeGreaterThan(500)
        .allMatch(p -> p.equals(p.toLowerCase(java.util.Locale.ROOT)))
        .allMatch(p -> !p.startsWith("#"));
  }

  @Test
  void aRefusalNamesTheRuleNeverThePassword() {
    String secret = "tiny";
    assertThatThrownBy(() -> rules.check(secret, alice))
        .isInstanceOf(LatchkeyException.class)
        .hasMessageNotContaining(secret)
        .satisfies(
            e -> {
              LatchkeyException error = (LatchkeyException) e;
              assertThat(error.code()).isEqualTo(ErrorCode.PASSWORD_TOO_SHORT);
              assertThat(error.detail()).contains("at least 8");
            });
  }

  @Test
  void theMinimumIsASettingOfAtLeastEight() {
    PasswordRules twelve = PasswordRules.shipped(12);
    assertThat(twelve.problem("eleven char", alice)).hasValue(ErrorCode.PASSWORD_TOO_SHORT);
    assertThat(twelve.problem("twelve chars", alice)).isEqualTo(Optional.empty());
    assertThatThrownBy(() -> PasswordRules.shipped(7)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PasswordRules.shipped(65))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
