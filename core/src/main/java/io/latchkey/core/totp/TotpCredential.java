package io.latchkey.core.totp;

import io.latchkey.core.method.MethodId;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.UserId;

/**
 * The secret and state of one registered TOTP method.
 *
 * @param lastUsedStep the latest time step accepted; codes of this step or older are refused
 * @param drift steps between the server's clock and the authenticator's, as last seen
 */
public record TotpCredential(
    MethodId methodId,
    UserId userId,
    Secret secret,
    OtpParameters parameters,
    long lastUsedStep,
    int drift) {}
