package io.latchkey.core.totp;

import io.latchkey.core.method.CodeMethod;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpCodes;
import io.latchkey.core.otp.Totp;
import io.latchkey.core.otp.TotpVerifier;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/** TOTP as a {@link CodeMethod}: drift window, remembered drift, and single use of each step. */
public final class TotpMethod implements CodeMethod {
  private final TotpCredentialRepository credentials;
  private final TotpVerifier verifier;

  public TotpMethod(TotpCredentialRepository credentials, TotpVerifier verifier) {
    this.credentials = credentials;
    this.verifier = verifier;
  }

  @Override
  public MethodKind kind() {
    return MethodKind.TOTP;
  }

  @Override
  public Loaded load(User user) {
    List<TotpCredential> all = credentials.findByUser(user.id());
    return new Loaded() {
      @Override
      public boolean registered() {
        return !all.isEmpty();
      }

      @Override
      public boolean accepts(String code) {
        return all.stream().anyMatch(c -> OtpCodes.isWellFormed(code, c.parameters().digits()));
      }

      @Override
      public CodeCheck check(String code, Instant now) {
        return checkAll(all, code, now);
      }
    };
  }

  private CodeCheck checkAll(List<TotpCredential> all, String code, Instant now) {
    CodeCheck result = CodeCheck.REJECTED;
    for (TotpCredential credential : all) {
      OptionalLong step =
          verifier.matchStep(
              credential.secret(), credential.parameters(), code, now, credential.drift());
      if (step.isEmpty()) {
        continue;
      }
      long current = Totp.step(now, credential.parameters().periodSeconds());
      int drift = (int) (step.getAsLong() - current);
      if (credentials.markStepUsedIfNewer(credential.methodId(), step.getAsLong(), drift, now)) {
        return new CodeCheck(Outcome.ACCEPTED, credential.methodId());
      }
      result = new CodeCheck(Outcome.REUSED, credential.methodId());
    }
    return result;
  }
}
