package io.latchkey.core.user;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Storage of users, passwords hashes and the shared failure counter. */
public interface UserRepository {

  Optional<User> findById(UserId id);

  Optional<User> findByUsername(Username username);

  /**
   * Inserts a new active user.
   *
   * @return false if the (canonical) username is taken
   */
  boolean insert(User user, String passwordHash);

  long count();

  List<User> list(int offset, int limit);

  /**
   * The users {@code search} finds: those whose username starts with the text first, then the
   * others, each group by username. This default reads every user; stores override it with a query.
   */
  default List<User> search(UserSearch search) {
    return matching(search).stream().skip(search.offset()).limit(search.limit()).toList();
  }

  /** How many users {@code search} finds, paging aside. */
  default long count(UserSearch search) {
    return matching(search).size();
  }

  private List<User> matching(UserSearch search) {
    long total = count();
    List<User> found = new ArrayList<>();
    for (int offset = 0; offset < total; offset += UserSearch.MAX_LIMIT) {
      list(offset, UserSearch.MAX_LIMIT).stream().filter(search::matches).forEach(found::add);
    }
    found.sort(
        Comparator.comparing((User u) -> !search.prefixOf(u))
            .thenComparing(u -> u.username().value()));
    return found;
  }

  /** The stored password hash (PHC string); empty if none is set. */
  Optional<String> passwordHash(UserId id);

  void setPasswordHash(UserId id, String passwordHash);

  /**
   * Sets the password hash and whether the user must change the password at the next sign-in, in
   * one update (issue 14: an administrator's or the first start's password must be changed).
   *
   * @return false if there is no such user
   */
  boolean setPassword(UserId id, String passwordHash, boolean changeRequired);

  /** Whether the user must change their password before anything else (issue 14). */
  boolean passwordChangeRequired(UserId id);

  /**
   * Requires a change of the password at the next sign-in, only while the password hash is still
   * {@code passwordHash} (one conditional update: a change made meanwhile, on another node, is not
   * undone).
   *
   * @return whether the user now has to change it
   */
  boolean requirePasswordChange(UserId id, String passwordHash);

  /**
   * Reserves one second-factor attempt before it is evaluated: increments the failure count only
   * while the user is active and below {@code limit}, in one conditional update. False means the
   * attempt must not be evaluated (SECURITY-TESTS B2: zero overshoot under parallel guessing).
   */
  boolean reserveAttemptBelowLimit(UserId id, int limit);

  /** After a success: the count of consecutive failures starts again at zero. */
  void resetFailures(UserId id);

  /**
   * After a failed attempt: remembers when the current run of consecutive failures began, unless it
   * is already known. A reset, an unblock or an enable forgets it.
   */
  void noteFailureStart(UserId id, Instant at);

  /** When the current run of consecutive failures began; empty without failures. */
  Optional<Instant> failuresSince(UserId id);

  /**
   * Blocks an active user whose failure count reached {@code limit}, in one conditional update.
   *
   * @return true if this call blocked the user (so exactly one caller audits the block)
   */
  boolean blockIfFailuresReached(UserId id, int limit, String reason, Instant at);

  /** Blocks an active user. True if the status changed. */
  boolean block(UserId id, String reason, Instant at);

  /** Unblocks a blocked user and resets the failure count. True if the status changed. */
  boolean unblock(UserId id);

  /** Disables an active or blocked user. True if the status changed. */
  boolean disable(UserId id, String reason, Instant at);

  /** Enables a disabled user (active, no failures). True if the status changed. */
  boolean enable(UserId id);

  /** Sets (or, with null, removes) the user's notice address. False if there is no such user. */
  boolean setEmail(UserId id, EmailAddress email);

  /**
   * Marks (or unmarks) that a registration of the user while they have no factor needs a
   * registration link: set by a reset of their methods or an enable, and once they proved a factor
   * (so that losing the last one later does not hand the account to the password alone), so that
   * whoever holds only the password cannot register an authenticator of their own (issue 12).
   */
  void setRegistrationLinkRequired(UserId id, boolean required);

  /** Whether {@link #setRegistrationLinkRequired} marked the user. */
  boolean registrationLinkRequired(UserId id);
}
