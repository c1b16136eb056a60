package io.latchkey.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice@example.com",
        "alice.smith+mfa@mail.example.co.jp",
        "o'brien@example.org",
        "x@a-b.example",
        "user_1!#$%&*/=?^`{|}~-@example.com"
      })
  void acceptsOrdinaryAddresses(String typed) {
    assertThat(EmailAddress.of(typed).value()).isEqualTo(typed);
  }

  @Test
  void keepsTheLocalPartAsTypedAndTheDomainInLowerCase() {
    assertThat(EmailAddress.of("  Alice@Example.COM ").value()).isEqualTo("Alice@example.com");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice@example.com\r\nBcc: mallory@evil.example",
        "alice@example.com\n",
        "alice@example.com\r",
        "\nalice@example.com",
        "ali\u0000ce@example.com",
        "alice@exa\tmple.com",
        "alice@example.com\u0085",
        "alice@example.com\u2028",
        "alice@example.com, mallory@evil.example",
        "Alice <alice@example.com>",
        "\"alice\"@example.com",
        "alice(comment)@example.com",
        "ali ce@example.com",
        "alice",
        "@example.com",
        "alice@",
        "alice@@example.com",
        "alice@bob@example.com",
        "alice@localhost",
        "alice@-example.com",
        "alice@example..com",
        ".alice@example.com",
        "alice.@example.com",
        "al..ice@example.com",
        "alice@[127.0.0.1]",
        "arisu@例え.jp",
        "ありす@example.jp",
        ""
      })
  void refusesWhatCouldBreakAHeaderOrIsNoAddress(String typed) {
    LatchkeyException refused =
        catchThrowableOfType(LatchkeyException.class, () -> EmailAddress.of(typed));
    assertThat(refused).as(typed).isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void refusesAnAddressLongerThanAnSmtpPathAllows() {
    String local = "a".repeat(64);
    String domain = "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + ".example";
    String longest = local + "@" + domain.substring(0, EmailAddress.MAX_LENGTH - 65);
    assertThat(longest).hasSize(EmailAddress.MAX_LENGTH);
    assertThat(EmailAddress.of(longest).value()).isEqualTo(longest);
    assertThat(catchThrowableOfType(LatchkeyException.class, () -> EmailAddress.of(longest + "x")))
        .isNotNull();
    assertThat(
            catchThrowableOfType(
                LatchkeyException.class, () -> EmailAddress.of("a".repeat(65) + "@example.com")))
        .isNotNull();
  }

  @Test
  void theRecordItselfOnlyHoldsCanonicalAddresses() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new EmailAddress("alice@example.com\r\nBcc: x@evil.example"));
    assertThatIllegalArgumentException().isThrownBy(() -> new EmailAddress("alice@EXAMPLE.com"));
    assertThatIllegalArgumentException().isThrownBy(() -> new EmailAddress(null));
  }
}
