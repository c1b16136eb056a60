package io.latchkey.core.user;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.error.RetryLater;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Creating users, the first administrator, passwords, sign-in. Block, unblock, disable and enable
 * are {@link AccountLifecycle}'s.
 */
public final class Accounts {
  public static final String ADMIN = "admin";

  /**
   * The audit reason of a sign-in refused by {@link SignInThrottle} (the detail says which window).
   */
  public static final String THROTTLED = "throttled";

  /** The audit reason of a sign-in refused because every hashing permit was in use. */
  public static final String HASHING_BUSY = "hashing_busy";

  private static final char[] PASSWORD_ALPHABET =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private final UserRepository users;
  private final SignInThrottle throttle;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final PasswordRules rules;

  /** A hash to compare against when the user does not exist, so timing does not tell. */
  private final String dummyHash;

  public Accounts(
      UserRepository users,
      SignInThrottle throttle,
      PasswordHasher hasher,
      AuditLog audit,
      Clock clock,
      SecureRandom random,
      PasswordRules rules) {
    this.users = users;
    this.rules = rules;
    this.throttle = throttle;
    this.hasher = hasher;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
    this.dummyHash = hasher.hash(randomPassword(20));
  }

  /**
   * On an empty database: creates {@code admin} with a random one-time password and returns it (the
   * caller shows it once and writes it to a mode-600 file). The administrator must change it at the
   * first sign-in (issue 14). Empty when users exist.
   */
  public Optional<String> bootstrapAdmin(RequestContext context) {
    if (users.count() > 0) {
      return Optional.empty();
    }
    String password = randomPassword(24);
    User admin = newUser(Username.of(ADMIN), "Administrator", true);
    String hash = hasher.hash(password);
    if (!users.insert(admin, hash)) {
      return Optional.empty(); // another node bootstrapped first
    }
    users.setPassword(admin.id(), hash, true);
    audit.record(
        AuditEvent.of(AuditEventType.ADMIN_BOOTSTRAPPED, context, clock.instant())
            .user(admin.id(), ADMIN)
            .detail(
                "first start: administrator account created with a one-time password, to be"
                    + " changed at the first sign-in")
            .build());
    return Optional.of(password);
  }

  /** A new user with a password (or none: registration link later) and no notice address. */
  public User create(
      String typedUsername,
      String displayName,
      String password,
      boolean admin,
      RequestContext context) {
    return create(typedUsername, displayName, password, admin, null, context);
  }

  /**
   * A new user with a password (or none) and a notice address (or none).
   *
   * @param email as typed; null for none
   */
  public User create(
      String typedUsername,
      String displayName,
      String password,
      boolean admin,
      String email,
      RequestContext context) {
    Username username = Username.of(typedUsername);
    EmailAddress address = email == null ? null : EmailAddress.of(email);
    if (password != null) {
      rules.check(password, username);
    }
    User user = newUser(username, displayName(displayName, username), admin).withEmail(address);
    if (!users.insert(user, password == null ? null : hasher.hash(password))) {
      throw new LatchkeyException(ErrorCode.CONFLICT, "the username is taken");
    }
    audit.record(
        AuditEvent.of(AuditEventType.USER_CREATED, context, clock.instant())
            .user(user.id(), username.value())
            .detail((admin ? "administrator" : "user") + " created by " + context.actor())
            .build());
    return user;
  }

  /**
   * The display name a new user gets: what was typed, stripped, or the username when nothing was.
   *
   * @throws LatchkeyException {@code bad_request} above 200 characters, or with a control character
   */
  public static String displayName(String typed, Username username) {
    String name = typed == null || typed.isBlank() ? username.value() : typed.strip();
    if (name.length() > 200) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "a display name has at most 200 characters");
    }
    // A display name is one line of text: a line break or escape would forge lines in the console
    // and the audit log, and PostgreSQL refuses NUL in text outright (issue 13, UserCsvFuzzTest).
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "a display name is one line of text, without control characters");
    }
    return name;
  }

  /**
   * Checks a username and password. Unknown users and wrong passwords are one failure, with the
   * same work done (exactly one hash), so neither the answer nor its timing tells which
   * (SECURITY-TESTS A5). Before the hash, {@link SignInThrottle} takes one attempt for the name
   * from the client's address, for the address and for the server; a full window refuses the
   * attempt without checking the password. The right password from another address is never held up
   * by failures from this one (issue 14).
   *
   * @throws LatchkeyException {@code unauthorized}; or {@code rate_limited} ({@link
   *     io.latchkey.core.error.RetryLater}, with how long to wait) while a window is full or every
   *     hashing permit is in use
   */
  public User signIn(String typedUsername, String password, RequestContext context) {
    return checkPassword(typedUsername, password, context, true);
  }

  /**
   * The same check for credentials sent with every request (an admin script's HTTP Basic): a
   * failure is audited like a sign-in failure, a success is not, so the audit log is not flooded
   * with one sign-in per API call.
   */
  public User checkCredentials(String typedUsername, String password, RequestContext context) {
    return checkPassword(typedUsername, password, context, false);
  }

  private User checkPassword(
      String typedUsername, String password, RequestContext context, boolean auditSuccess) {
    Optional<Username> username;
    try {
      username = Optional.of(Username.of(typedUsername));
    } catch (LatchkeyException e) {
      // No account can have an impossible name: nothing to guess for the name, but the address
      // and the server still count the attempt.
      username = Optional.empty();
    }
    Optional<User> user = username.flatMap(users::findByUsername);
    Optional<Username> name = username;
    // A window this node already knows is full refuses at once, without a permit or a write.
    Optional<SignInThrottle.Throttled> full = throttle.knownFull(name, context.ip());
    if (full.isPresent()) {
      auditRefusal(user, typedUsername, context, THROTTLED, full.get().detail());
      throw full.get();
    }
    User signedIn;
    try {
      signedIn =
          hasher.withPermit(
              SignInThrottle.addressOf(context.ip()),
              () -> check(name, user, password, typedUsername, context));
    } catch (SignInThrottle.Throttled e) {
      auditRefusal(user, typedUsername, context, THROTTLED, e.detail());
      throw e;
    } catch (RetryLater busy) {
      // Not checked at all (every hashing permit in use): nothing was counted.
      auditRefusal(user, typedUsername, context, HASHING_BUSY, busy.detail());
      throw busy;
    }
    if (auditSuccess) {
      audit.record(
          AuditEvent.of(AuditEventType.SIGN_IN_SUCCEEDED, context, clock.instant())
              .user(signedIn.id(), signedIn.username().value())
              .build());
    }
    return signedIn;
  }

  /**
   * The throttle's attempts, then exactly one hash, with the hashing permit held: the user on the
   * right password, else {@code unauthorized} (audited) with the attempts kept.
   */
  private User check(
      Optional<Username> username,
      Optional<User> user,
      String password,
      String typedUsername,
      RequestContext context) {
    SignInThrottle.Claim claim = throttle.claim(username, context.ip());
    Optional<String> stored = user.flatMap(u -> users.passwordHash(u.id()));
    // Unknown users and users without a password are checked against a dummy hash: same work.
    boolean matches;
    try {
      matches = hasher.matches(password == null ? "" : password, stored.orElse(dummyHash));
    } catch (RuntimeException notChecked) {
      claim.refund();
      throw notChecked;
    }
    if (user.isEmpty() || stored.isEmpty() || !matches) {
      auditRefusal(
          user, typedUsername, context, user.isEmpty() ? "unknown_user" : "wrong_password", "");
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "wrong username or password");
    }
    claim.succeeded();
    return user.get();
  }

  /**
   * Whether {@code password} is the current password of {@code user}, who is signed in and asks to
   * change it: throttled like a sign-in (a stolen session may not guess the password faster than
   * the sign-in page would let it), and a wrong one counts as a failed sign-in of the name.
   *
   * @throws LatchkeyException {@code rate_limited} while a throttle window is full or every hashing
   *     permit is in use
   */
  public boolean confirmPassword(User user, String password, RequestContext context) {
    Optional<Username> name = Optional.of(user.username());
    Optional<SignInThrottle.Throttled> full = throttle.knownFull(name, context.ip());
    if (full.isPresent()) {
      auditRefusal(
          Optional.of(user), user.username().value(), context, THROTTLED, full.get().detail());
      throw full.get();
    }
    try {
      return hasher.withPermit(
          SignInThrottle.addressOf(context.ip()),
          () -> {
            SignInThrottle.Claim claim = throttle.claim(name, context.ip());
            Optional<String> stored = users.passwordHash(user.id());
            boolean matches;
            try {
              matches = hasher.matches(password == null ? "" : password, stored.orElse(dummyHash));
            } catch (RuntimeException notChecked) {
              claim.refund();
              throw notChecked;
            }
            if (stored.isEmpty() || !matches) {
              // The attempt stays counted, as a wrong password at sign-in.
              return false;
            }
            claim.succeeded();
            return true;
          });
    } catch (SignInThrottle.Throttled e) {
      auditRefusal(Optional.of(user), user.username().value(), context, THROTTLED, e.detail());
      throw e;
    } catch (RetryLater busy) {
      auditRefusal(
          Optional.of(user), user.username().value(), context, HASHING_BUSY, busy.detail());
      throw busy;
    }
  }

  /** The true reason goes to the audit log; the caller learns only the error code. */
  private void auditRefusal(
      Optional<User> user,
      String typedUsername,
      RequestContext context,
      String reason,
      String detail) {
    audit.record(
        AuditEvent.of(AuditEventType.SIGN_IN_FAILED, context, clock.instant())
            .user(user.map(User::id).orElse(null), typedUsername)
            .failure(reason)
            .detail(detail)
            .build());
  }

  public User require(String typedUsername) {
    return users
        .findByUsername(Username.of(typedUsername))
        .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
  }

  private User newUser(Username username, String displayName, boolean admin) {
    return new User(
        UserId.random(),
        username,
        displayName,
        UserStatus.ACTIVE,
        admin,
        0,
        null,
        null,
        clock.instant(),
        null);
  }

  /**
   * A new random password for an administrator to hand over once: 20 characters of an alphabet
   * without look-alikes (about 116 bits).
   */
  public String generatePassword() {
    return randomPassword(20);
  }

  private String randomPassword(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)]);
    }
    return out.toString();
  }
}
