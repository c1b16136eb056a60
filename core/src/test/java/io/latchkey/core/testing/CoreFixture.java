package io.latchkey.core.testing;

import io.latchkey.core.backupcode.BackupCodeMethod;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.notice.NoticePolicy;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import io.latchkey.core.otp.TotpVerifier;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.totp.TotpMethod;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.core.verification.LockoutPolicy;
import io.latchkey.core.verification.VerificationService;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The domain core wired to the in-memory fakes and a hand-moved clock: what the server's
 * configuration does, with nothing slow or random left (the CSPRNG is seeded).
 */
public final class CoreFixture {
  /** 10 s into a 30 s step, so a step boundary is never a second away by accident. */
  public static final Instant START = Instant.parse("2026-03-02T09:00:10Z");

  public static final OtpParameters PARAMETERS = OtpParameters.TOTP_DEFAULT;
  public static final Duration STEP = Duration.ofSeconds(PARAMETERS.periodSeconds());
  public static final RegistrationPolicy POLICY =
      new RegistrationPolicy(Duration.ofMinutes(5), PARAMETERS, "Latchkey");

  /** Steps accepted on either side of the current one, as the server's default. */
  public static final int WINDOW = 1;

  public final MutableClock clock = new MutableClock(START);
  public final InMemoryUserRepository users = new InMemoryUserRepository();
  public final InMemoryEnrollmentRepository enrollments = new InMemoryEnrollmentRepository();
  public final InMemoryTotpCredentialRepository credentials =
      new InMemoryTotpCredentialRepository();
  public final InMemoryAuditLog audit = new InMemoryAuditLog();
  public final SecureRandom random = Requests.seededRandom(20260302L);
  public final TotpVerifier verifier = new TotpVerifier(WINDOW);
  public final InMemoryBackupCodeRepository backupCodeStore = new InMemoryBackupCodeRepository();
  public final FakePasswordHasher backupCodeHasher = new FakePasswordHasher();
  public final InMemoryNoticeRepository noticeStore = new InMemoryNoticeRepository();
  public final RecordingUserSessions sessions = new RecordingUserSessions();
  public final Notices notices;
  public final Lockout lockout;
  public final EnrollmentService enrollment;
  public final VerificationService verification;
  public final BackupCodes backupCodes;

  /**
   * @param lockoutThreshold consecutive failures after which a user is blocked
   */
  public CoreFixture(int lockoutThreshold) {
    notices =
        new Notices(
            noticeStore,
            users,
            audit,
            clock,
            new NoticePolicy(true, 3, Duration.ofMinutes(1), Duration.ofMinutes(5)));
    lockout =
        new Lockout(
            users,
            audit,
            clock,
            () -> new LockoutPolicy(lockoutThreshold),
            new DirectTransactions(),
            notices);
    enrollment =
        new EnrollmentService(
            enrollments,
            users,
            credentials,
            new DirectTransactions(),
            lockout,
            audit,
            verifier,
            clock,
            random,
            () -> POLICY,
            notices);
    verification =
        new VerificationService(
            users,
            List.of(
                new TotpMethod(credentials, verifier),
                new BackupCodeMethod(
                    backupCodeStore, backupCodeHasher, new DirectTransactions(), notices)),
            lockout,
            audit,
            clock);
    backupCodes =
        new BackupCodes(
            backupCodeStore,
            backupCodeHasher,
            new DirectTransactions(),
            audit,
            clock,
            random,
            notices);
  }

  /**
   * Password changes as the server wires them, with this fixture's users, notices, sessions and
   * audit log, checking passwords with {@code accounts}.
   */
  public io.latchkey.core.user.PasswordChanges passwordChanges(
      io.latchkey.core.user.Accounts accounts, io.latchkey.core.user.PasswordHasher hasher) {
    return new io.latchkey.core.user.PasswordChanges(
        new io.latchkey.core.user.PasswordChanges.Dependencies(
            users,
            accounts,
            io.latchkey.core.user.PasswordRules.shipped(8),
            hasher,
            new DirectTransactions(),
            notices,
            sessions,
            audit,
            clock,
            user -> changed.add(user.id())));
  }

  /** The users whose password {@link #passwordChanges} changed, in order. */
  public final List<io.latchkey.core.user.UserId> changed =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public User addUser(String username) {
    return users.add(username, clock.instant());
  }

  /** The user as stored now (status and failure count), as the server reloads it per request. */
  public User reload(User user) {
    return users.get(user.id());
  }

  /**
   * Registers a TOTP authenticator directly, as a completed registration long ago would have: a
   * fresh secret, last used 100 steps back, no drift.
   */
  public TotpCredential registerTotp(User user) {
    Method method =
        new Method(
            MethodId.random(),
            user.id(),
            MethodKind.TOTP,
            "Authenticator app",
            clock.instant(),
            "192.0.2.10",
            "JUnit",
            null);
    TotpCredential credential =
        new TotpCredential(
            method.id(), user.id(), Secret.generate(random), PARAMETERS, currentStep() - 100, 0);
    credentials.insert(method, credential);
    return credential;
  }

  public long currentStep() {
    return Totp.step(clock.instant(), PARAMETERS.periodSeconds());
  }

  /** The code the app shows now, {@code offset} steps ahead of (or behind) the server's clock. */
  public String code(Secret secret, int offset) {
    return Totp.generateForStep(secret, PARAMETERS, currentStep() + offset);
  }

  /** A well-formed code that no step within ten of now produces: wrong, whatever the drift. */
  public String wrongCode(Secret secret) {
    for (int candidate = 0; ; candidate++) {
      String code = String.format(Locale.ROOT, "%06d", candidate);
      boolean anyStep = false;
      for (int offset = -10; offset <= 10; offset++) {
        anyStep |= code.equals(code(secret, offset));
      }
      if (!anyStep) {
        return code;
      }
    }
  }
}
