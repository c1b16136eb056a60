package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Who a browser session belongs to: the immutable user ID, never just the name, how the session
 * began, and when it last proved a second factor. Stored in the database with the session (Spring
 * Session JDBC), so it holds only plain serializable values. A session stored before these fields
 * existed reads back with {@code factorAt} null: it must prove a factor again, never less.
 *
 * @param via how the session began: a password, or a one-time registration link
 * @param factorAt when this session last proved a second factor; null if it has not (yet)
 */
public record SignedInUser(UUID id, String username, boolean admin, Via via, Instant factorAt)
    implements Serializable, java.security.Principal {
  private static final long serialVersionUID = 2L;

  /** How a browser session began. */
  public enum Via {
    PASSWORD,
    /** A one-time registration link: the session may only register an authenticator. */
    REGISTRATION_LINK
  }

  public SignedInUser(UserId userId, String username, boolean admin, Via via, Instant factorAt) {
    this(userId.value(), username, admin, via, factorAt);
  }

  /**
   * The session's principal name as Spring Session indexes it: the immutable user ID (36
   * characters, so it always fits the session table's column, and a rename changes nothing).
   */
  @Override
  public String getName() {
    return id.toString();
  }

  public UserId userId() {
    return new UserId(id);
  }

  public Via via() {
    return via == null ? Via.PASSWORD : via;
  }

  public boolean factorProven() {
    return factorAt != null;
  }

  /** Whether the factor was proven within {@code window} before {@code now} (step-up). */
  public boolean factorProvenWithin(Duration window, Instant now) {
    return factorAt != null && !factorAt.isBefore(now.minus(window)) && !factorAt.isAfter(now);
  }

  public SignedInUser withFactorAt(Instant at) {
    return new SignedInUser(id, username, admin, via(), at);
  }
}
