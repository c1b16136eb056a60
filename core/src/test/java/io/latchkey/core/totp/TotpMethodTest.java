package io.latchkey.core.totp;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.method.CodeMethod.CodeCheck;
import io.latchkey.core.method.CodeMethod.Outcome;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.user.User;
import org.junit.jupiter.api.Test;

class TotpMethodTest {
  private final CoreFixture core = new CoreFixture(3);
  private final TotpMethod method = new TotpMethod(core.credentials, core.verifier);
  private final User alice = core.addUser("alice");

  @Test
  void aUserIsRegisteredOnlyOnceACredentialExists() {
    assertThat(method.kind()).isEqualTo(MethodKind.TOTP);
    assertThat(method.isRegistered(alice)).isFalse();

    core.registerTotp(alice);

    assertThat(method.isRegistered(alice)).isTrue();
    assertThat(method.isRegistered(core.addUser("bob"))).isFalse();
  }

  @Test
  void acceptsTheShapeOfTheCredentialsCodes() {
    core.registerTotp(alice);

    assertThat(method.accepts(alice, "012345")).isTrue();
    assertThat(method.accepts(alice, "01234567")).isFalse();
    assertThat(method.accepts(alice, "\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15")).isFalse();
    assertThat(method.accepts(alice, null)).isFalse();
  }

  @Test
  void aRightCodeIsAcceptedOnceThenRecognisedAsReused() {
    TotpCredential credential = core.registerTotp(alice);
    String code = core.code(credential.secret(), 0);

    CodeCheck first = method.check(alice, code, core.clock.instant());
    CodeCheck second = method.check(alice, code, core.clock.instant());

    assertThat(first).isEqualTo(new CodeCheck(Outcome.ACCEPTED, credential.methodId()));
    assertThat(second).isEqualTo(new CodeCheck(Outcome.REUSED, credential.methodId()));
  }

  @Test
  void aWrongCodeIsRejectedWithoutNamingAMethod() {
    TotpCredential credential = core.registerTotp(alice);

    assertThat(method.check(alice, core.wrongCode(credential.secret()), core.clock.instant()))
        .isEqualTo(CodeCheck.REJECTED);
  }

  @Test
  void withTwoAuthenticatorsEachCodeIsConsumedOnItsOwnCredentialOnly() {
    TotpCredential phone = core.registerTotp(alice);
    TotpCredential laptop = core.registerTotp(alice);

    CodeCheck check = method.check(alice, core.code(laptop.secret(), 0), core.clock.instant());

    assertThat(check).isEqualTo(new CodeCheck(Outcome.ACCEPTED, laptop.methodId()));
    assertThat(core.credentials.get(phone.methodId()).lastUsedStep())
        .isEqualTo(phone.lastUsedStep());
    assertThat(method.check(alice, core.code(phone.secret(), 0), core.clock.instant()).outcome())
        .isEqualTo(Outcome.ACCEPTED);
  }

  @Test
  void usesTheCredentialsOwnParameters() {
    OtpParameters eightDigitSha256 = OtpParameters.totp(HashAlgorithm.SHA256, 8, 60);
    Secret secret = Secret.generate(core.random);
    Method registered =
        new Method(
            MethodId.random(),
            alice.id(),
            MethodKind.TOTP,
            "Token",
            core.clock.instant(),
            "",
            "",
            null);
    core.credentials.insert(
        registered,
        new TotpCredential(registered.id(), alice.id(), secret, eightDigitSha256, 0, 0));
    String code = Totp.generate(secret, eightDigitSha256, core.clock.instant());

    assertThat(method.accepts(alice, code)).isTrue();
    assertThat(method.check(alice, code, core.clock.instant()).outcome())
        .isEqualTo(Outcome.ACCEPTED);
    assertThat(core.credentials.get(registered.id()).lastUsedStep())
        .isEqualTo(Totp.step(core.clock.instant(), 60));
  }
}
