package io.latchkey.core.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The activation QR code's contents (docs/PUSH-PROTOCOL.md §1): written, read, and refused. */
class ActivationUriTest {
  private static final String CODE = "7Q2M-KX4P-ZR8T-W3JD-H6NV-B9CE-QF5Y-A2GS";
  private static final Instant EXPIRES = Instant.parse("2026-11-25T09:10:00Z");

  private static String link(String server, String code, String expires) {
    return "latchkey://activate?server=" + server + "&code=" + code + "&expires=" + expires;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://mfa.example.com",
        "http://127.0.0.1:8080",
        "https://mfa.example.com:8443/latchkey",
        "https://xn--n3h.example/mfa/"
      })
  void whatIsWrittenReadsBackTheSame(String server) {
    ActivationUri written = new ActivationUri(URI.create(server), CODE, EXPIRES);

    ActivationUri read = ActivationUri.parse(written.toUriString());

    assertThat(read).isEqualTo(written);
  }

  @Test
  void theServerAndExpiryAreUrlEncodedSoTheQueryStaysOneLevelDeep() {
    ActivationUri written =
        new ActivationUri(URI.create("https://mfa.example.com:8443/a"), CODE, EXPIRES);

    assertThat(written.toUriString())
        .isEqualTo(
            "latchkey://activate?server=https%3A%2F%2Fmfa.example.com%3A8443%2Fa&code="
                + CODE
                + "&expires=2026-11-25T09%3A10%3A00Z");
  }

  @Test
  void aCodeTypedInLowerCaseAndASchemeInUpperCaseAreAccepted() {
    String typed =
        "LATCHKEY://ACTIVATE?server=https%3A%2F%2Fmfa.example.com&code="
            + CODE.toLowerCase(java.util.Locale.ROOT)
            + "&expires=2026-11-25T09%3A10%3A00Z";

    ActivationUri read = ActivationUri.parse("  " + typed + "\n");

    assertThat(read.code()).isEqualTo(CODE);
    assertThat(read.server()).isEqualTo(URI.create("https://mfa.example.com"));
    assertThat(read.expires()).isEqualTo(EXPIRES);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "otpauth link     | otpauth://totp/X?secret=JBSWY3DPEHPK3PXP&code=CODE | not a Latchkey"
            + " activation link",
        "web address      | https://mfa.example.com/activate?code=CODE         | not a Latchkey"
            + " activation link",
        "other action     | latchkey://enroll?code=CODE                         | not a Latchkey"
            + " activation link",
        "no server        | latchkey://activate?code=CODE&expires=2026-11-25T09:10:00Z | lacks",
        "no code          | latchkey://activate?server=https://a.example&expires=2026-11-25T09:10:00Z"
            + " | lacks",
        "no expiry        | latchkey://activate?server=https://a.example&code=CODE | lacks",
        "pair without =   | latchkey://activate?server=https://a.example&code=CODE&expires | damaged",
        "empty key        | latchkey://activate?=x&server=https://a.example&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | damaged",
        "bad escape       | latchkey://activate?server=https%zz&code=CODE&expires=2026-11-25T09:10:00Z"
            + " | damaged",
        "repeated code    | latchkey://activate?server=https://a.example&code=CODE&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | repeats code",
        "expiry not time  | latchkey://activate?server=https://a.example&code=CODE&expires=tomorrow"
            + " | expiry is not a time",
        "ftp server       | latchkey://activate?server=ftp://a.example&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | damaged: the server must be a plain http or https URL",
        "server with user | latchkey://activate?server=https://u:p@a.example&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | damaged: the server must be a plain http or https URL",
        "server w/ query  | latchkey://activate?server=https%3A%2F%2Fa.example%2F%3Fx%3D1&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | damaged: the server must be a plain http or https URL",
        "relative server  | latchkey://activate?server=a.example&code=CODE"
            + "&expires=2026-11-25T09:10:00Z | damaged: the server must be a plain http or https URL",
      })
  void aDamagedOrForeignLinkIsRefusedWithASentenceThatNeverRepeatsTheCode(
      String name, String template, String expected) {
    String text = template.replace("CODE", CODE);

    IllegalArgumentException refusal =
        catchThrowableOfType(IllegalArgumentException.class, () -> ActivationUri.parse(text));

    assertThat(refusal).as(name).isNotNull();
    assertThat(refusal.getMessage()).contains(expected).doesNotContain(CODE);
    assertThat(refusal.getMessage()).doesNotContain("JBSWY3DPEHPK3PXP");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7Q2M-KX4P-ZR8T", // three groups: too short
        "7Q2M-KX4P-ZR8T-W3JD-H6NV-B9CE-QF5Y-A2GS-XXXX", // nine groups: too long
        "7Q2MKX4PZR8TW3JDH6NVB9CEQF5YA2GS", // no dashes
        "7Q2M-KX4P-ZR8T-W3J!", // a symbol
        "7Q2M_KX4P_ZR8T_W3JD", // wrong separator
        "7Q2M-KX4P-ZR8T-W3JDX" // a group of five
      })
  void aCodeNotInTheExpectedFormIsRefusedWithoutBeingEchoed(String code) {
    String text = link("https%3A%2F%2Fa.example", code, "2026-11-25T09%3A10%3A00Z");

    IllegalArgumentException refusal =
        catchThrowableOfType(IllegalArgumentException.class, () -> ActivationUri.parse(text));

    assertThat(refusal.getMessage())
        .isEqualTo(
            "the activation link is damaged: the activation code is not in the expected form")
        .doesNotContain(code);
  }

  @Test
  void aLinkLongerThanAnyQrCodeHoldsIsRefusedBeforeItIsRead() {
    String padded =
        link("https%3A%2F%2Fa.example", CODE, "2026-11-25T09%3A10%3A00Z")
            + "&x="
            + "y".repeat(2100);

    IllegalArgumentException refusal =
        catchThrowableOfType(IllegalArgumentException.class, () -> ActivationUri.parse(padded));

    assertThat(refusal.getMessage())
        .isEqualTo("this is not a Latchkey activation link")
        .doesNotContain(CODE);
    assertThat(
            catchThrowableOfType(IllegalArgumentException.class, () -> ActivationUri.parse(null)))
        .isNotNull();
  }

  @Test
  void toStringShowsTheServerAndExpiryButNeverTheCode() {
    ActivationUri uri = new ActivationUri(URI.create("https://mfa.example.com"), CODE, EXPIRES);

    assertThat(uri.toString())
        .contains("https://mfa.example.com", EXPIRES.toString())
        .doesNotContain(CODE)
        .doesNotContain("7Q2M");
  }
}
