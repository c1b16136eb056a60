package io.latchkey.core.enrollment;

import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpParameters;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How registrations run.
 *
 * @param stepDeadline how long each step (scan and confirm) may take; NIST SP 800-63B rev. 4
 *     §4.1.2.2 caps binding codes at 10 minutes
 * @param parameters what new TOTP secrets use (SHA1/6/30 unless an admin chooses otherwise, since
 *     many apps ignore other values)
 * @param issuer the issuer written into otpauth URIs
 * @param allowedMethods the kinds a user may start registering (at least one)
 */
public record RegistrationPolicy(
    Duration stepDeadline,
    OtpParameters parameters,
    String issuer,
    Set<MethodKind> allowedMethods) {
  public RegistrationPolicy {
    if (stepDeadline.isNegative() || stepDeadline.isZero()) {
      throw new IllegalArgumentException("a registration step deadline must be positive");
    }
    if (stepDeadline.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("a registration step deadline is at most an hour");
    }
    if (allowedMethods.isEmpty()) {
      throw new IllegalArgumentException("at least one method must be allowed");
    }
    allowedMethods = Set.copyOf(allowedMethods);
  }

  /** Every method allowed. */
  public RegistrationPolicy(Duration stepDeadline, OtpParameters parameters, String issuer) {
    this(stepDeadline, parameters, issuer, EnumSet.allOf(MethodKind.class));
  }

  public boolean allows(MethodKind kind) {
    return allowedMethods.contains(kind);
  }
}
