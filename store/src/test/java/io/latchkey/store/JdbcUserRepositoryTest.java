package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserSearch;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.user.Username;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcUserRepositoryTest extends StoreTest {
  private JdbcUserRepository users;

  @BeforeEach
  void repository() {
    users = new JdbcUserRepository(jdbc);
  }

  @Test
  void insertedUserIsFoundByIdAndByCanonicalName() {
    User alice = insertUser("Alice");

    assertThat(users.findById(alice.id())).contains(alice);
    assertThat(users.findByUsername(Username.of("ＡＬＩＣＥ"))).contains(alice);
    assertThat(users.findById(UserId.random())).isEmpty();
  }

  @Test
  void theNoticeAddressIsStoredChangedAndRemoved() {
    User carol = newUser("carol").withEmail(EmailAddress.of("Carol@Example.com"));
    users.insert(carol, null);
    assertThat(users.findById(carol.id()).orElseThrow().email().value())
        .isEqualTo("Carol@example.com");

    assertThat(users.setEmail(carol.id(), EmailAddress.of("c@example.org"))).isTrue();
    assertThat(users.findById(carol.id()).orElseThrow().email())
        .isEqualTo(EmailAddress.of("c@example.org"));
    assertThat(users.setEmail(carol.id(), null)).isTrue();
    assertThat(users.findById(carol.id()).orElseThrow().email()).isNull();
    assertThat(users.setEmail(UserId.random(), EmailAddress.of("x@example.org"))).isFalse();
  }

  @Test
  void insertRefusesATakenUsername() {
    User alice = insertUser("alice");
    User impostor = newUser("ALICE");

    assertThat(users.insert(impostor, "hash")).isFalse();
    assertThat(users.findByUsername(Username.of("alice"))).contains(alice);
    assertThat(users.count()).isEqualTo(1);
  }

  @Test
  void racingInsertsOfOneNameCreateExactlyOneUser() throws Exception {
    List<Boolean> results = race(20, () -> users.insert(newUser("admin"), "hash"));

    assertThat(results).containsOnlyOnce(true);
    assertThat(users.count()).isEqualTo(1);
  }

  @Test
  void passwordHashIsEmptyUntilSetAndThenReplaced() {
    User bob = newUser("bob");
    users.insert(bob, null);

    assertThat(users.passwordHash(bob.id())).isEmpty();
    users.setPasswordHash(bob.id(), "$argon2id$new");
    assertThat(users.passwordHash(bob.id())).contains("$argon2id$new");
    assertThat(users.passwordHash(UserId.random())).isEmpty();
    assertThatThrownBy(() -> users.setPasswordHash(UserId.random(), "x"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPasswordSetWithAChangeRequiredKeepsTheFlagUntilTheNextSet() {
    User carol = newUser("carol");
    users.insert(carol, "$argon2id$first");

    assertThat(users.passwordChangeRequired(carol.id())).isFalse();
    assertThat(users.setPassword(carol.id(), "$argon2id$by-admin", true)).isTrue();
    assertThat(users.passwordChangeRequired(carol.id())).isTrue();
    assertThat(users.passwordHash(carol.id())).contains("$argon2id$by-admin");
    assertThat(users.setPassword(carol.id(), "$argon2id$own", false)).isTrue();
    assertThat(users.passwordChangeRequired(carol.id())).isFalse();
    assertThat(users.passwordHash(carol.id())).contains("$argon2id$own");
    assertThat(users.setPassword(UserId.random(), "x", true)).isFalse();
    assertThat(users.passwordChangeRequired(UserId.random())).isFalse();
  }

  @Test
  void aChangeIsRequiredOnlyWhileThePasswordIsTheOneThatWasRead() {
    User dave = newUser("dave");
    users.insert(dave, "$argon2id$first-start");

    // Changed meanwhile (another node): the new password is not marked for a change.
    assertThat(users.requirePasswordChange(dave.id(), "$argon2id$something-else")).isFalse();
    assertThat(users.passwordChangeRequired(dave.id())).isFalse();
    assertThat(users.requirePasswordChange(dave.id(), "$argon2id$first-start")).isTrue();
    assertThat(users.passwordChangeRequired(dave.id())).isTrue();
    assertThat(users.passwordHash(dave.id())).contains("$argon2id$first-start");
    assertThat(users.requirePasswordChange(UserId.random(), "$argon2id$first-start")).isFalse();
  }

  @Test
  void searchFindsPrefixesFirstThenSubstringsOfNamesAndDisplayNames() {
    insertUser("malice");
    insertUser("alice");
    insertUser("bob");
    users.insert(
        new User(
            UserId.random(),
            Username.of("carol"),
            "Carol ALIas",
            UserStatus.BLOCKED,
            false,
            0,
            "test",
            T0,
            T0,
            null),
        null);

    assertThat(names(new UserSearch("ALI", null, 0, 10)))
        .containsExactly("alice", "carol", "malice");
    assertThat(users.count(new UserSearch("ali", null, 0, 10))).isEqualTo(3);
    assertThat(names(new UserSearch("ali", UserStatus.BLOCKED, 0, 10))).containsExactly("carol");
    assertThat(names(new UserSearch("ali", null, 1, 1))).containsExactly("carol");
    assertThat(names(new UserSearch(null, UserStatus.ACTIVE, 0, 10)))
        .containsExactly("alice", "bob", "malice");
  }

  @Test
  void searchTakesLikeWildcardsLiterally() {
    insertUser("a_b");
    insertUser("axb");
    users.insert(withDisplayName("percent", "100% sure"), null);
    users.insert(withDisplayName("bang", "hey!"), null);

    assertThat(names(new UserSearch("a_", null, 0, 10))).containsExactly("a_b");
    assertThat(names(new UserSearch("0%", null, 0, 10))).containsExactly("percent");
    assertThat(names(new UserSearch("y!", null, 0, 10))).containsExactly("bang");
  }

  private static User withDisplayName(String name, String displayName) {
    User user = newUser(name);
    return new User(
        user.id(),
        user.username(),
        displayName,
        user.status(),
        user.admin(),
        0,
        null,
        null,
        user.createdAt(),
        null);
  }

  private List<String> names(UserSearch search) {
    return users.search(search).stream().map(u -> u.username().value()).toList();
  }

  @Test
  void listPagesThroughUsersInNameOrder() {
    insertUser("carol");
    insertUser("alice");
    insertUser("bob");

    assertThat(users.list(0, 2))
        .extracting(u -> u.username().value())
        .containsExactly("alice", "bob");
    assertThat(users.list(2, 2)).extracting(u -> u.username().value()).containsExactly("carol");
    assertThat(users.count()).isEqualTo(3);
  }

  @Test
  void reserveAttemptStopsAtTheLimit() {
    User alice = insertUser("alice");

    for (int i = 0; i < 3; i++) {
      assertThat(users.reserveAttemptBelowLimit(alice.id(), 3)).isTrue();
    }
    assertThat(users.reserveAttemptBelowLimit(alice.id(), 3)).isFalse();
    assertThat(failedAttempts(alice)).isEqualTo(3);
  }

  @Test
  void reserveAttemptNeverOvershootsTheLimitUnderRaces() throws Exception {
    User alice = insertUser("alice");

    List<Boolean> results = race(50, () -> users.reserveAttemptBelowLimit(alice.id(), 10));

    assertThat(results).filteredOn(granted -> granted).hasSize(10);
    assertThat(failedAttempts(alice)).isEqualTo(10);
  }

  @Test
  void reserveAttemptRefusesAUserWhoIsNotActive() {
    User alice = insertUser("alice");
    users.block(alice.id(), "test", T0);

    assertThat(users.reserveAttemptBelowLimit(alice.id(), 10)).isFalse();
    assertThat(failedAttempts(alice)).isZero();
  }

  @Test
  void theStartOfARunOfFailuresIsKeptUntilAResetOrUnblock() {
    User alice = insertUser("alice");
    assertThat(users.failuresSince(alice.id())).isEmpty();
    users.noteFailureStart(alice.id(), T0);
    assertThat(users.failuresSince(alice.id())).as("no failure counted yet").isEmpty();

    users.reserveAttemptBelowLimit(alice.id(), 10);
    users.noteFailureStart(alice.id(), T0.plusSeconds(1));
    users.reserveAttemptBelowLimit(alice.id(), 10);
    users.noteFailureStart(alice.id(), T0.plusSeconds(2));
    assertThat(users.failuresSince(alice.id())).contains(T0.plusSeconds(1));

    users.resetFailures(alice.id());
    assertThat(users.failuresSince(alice.id())).isEmpty();

    users.reserveAttemptBelowLimit(alice.id(), 10);
    users.noteFailureStart(alice.id(), T0.plusSeconds(3));
    users.blockIfFailuresReached(alice.id(), 1, "locked", T0.plusSeconds(3));
    users.unblock(alice.id());
    assertThat(users.failuresSince(alice.id())).isEmpty();
  }

  @Test
  void resetFailuresStartsTheCountAgain() {
    User alice = insertUser("alice");
    users.reserveAttemptBelowLimit(alice.id(), 10);
    users.reserveAttemptBelowLimit(alice.id(), 10);

    users.resetFailures(alice.id());

    assertThat(failedAttempts(alice)).isZero();
  }

  @Test
  void blockIfFailuresReachedLeavesAUserBelowTheLimitActive() {
    User alice = insertUser("alice");
    users.reserveAttemptBelowLimit(alice.id(), 3);

    assertThat(users.blockIfFailuresReached(alice.id(), 3, "3 failures", T0)).isFalse();
    assertThat(users.findById(alice.id()).orElseThrow().status()).isEqualTo(UserStatus.ACTIVE);
  }

  @Test
  void blockIfFailuresReachedBlocksExactlyOnceEvenWhenRacing() throws Exception {
    User alice = insertUser("alice");
    for (int i = 0; i < 3; i++) {
      users.reserveAttemptBelowLimit(alice.id(), 3);
    }

    List<Boolean> results =
        race(20, () -> users.blockIfFailuresReached(alice.id(), 3, "3 failures", T0));

    assertThat(results).containsOnlyOnce(true);
    User blocked = users.findById(alice.id()).orElseThrow();
    assertThat(blocked.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(blocked.blockedReason()).isEqualTo("3 failures");
    assertThat(blocked.blockedAt()).isEqualTo(T0);
  }

  @Test
  void blockChangesOnlyAnActiveUser() {
    User alice = insertUser("alice");

    assertThat(users.block(alice.id(), "lost phone", T0)).isTrue();
    assertThat(users.block(alice.id(), "again", T0.plusSeconds(5))).isFalse();

    User blocked = users.findById(alice.id()).orElseThrow();
    assertThat(blocked.blockedReason()).isEqualTo("lost phone");
    assertThat(blocked.blockedAt()).isEqualTo(T0);
  }

  @Test
  void aVeryLongBlockReasonIsShortenedNotRefused() {
    User alice = insertUser("alice");

    assertThat(users.block(alice.id(), "x".repeat(5000), T0)).isTrue();
    assertThat(users.findById(alice.id()).orElseThrow().blockedReason()).hasSize(1000);
  }

  @Test
  void unblockRestoresTheUserAndResetsTheFailureCount() {
    User alice = insertUser("alice");
    for (int i = 0; i < 3; i++) {
      users.reserveAttemptBelowLimit(alice.id(), 3);
    }
    users.blockIfFailuresReached(alice.id(), 3, "3 failures", T0);

    assertThat(users.unblock(alice.id())).isTrue();
    assertThat(users.unblock(alice.id())).isFalse();

    User restored = users.findById(alice.id()).orElseThrow();
    assertThat(restored.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(restored.failedAttempts()).isZero();
    assertThat(restored.blockedReason()).isNull();
    assertThat(restored.blockedAt()).isNull();
  }

  private int failedAttempts(User user) {
    return users.findById(user.id()).orElseThrow().failedAttempts();
  }
}
