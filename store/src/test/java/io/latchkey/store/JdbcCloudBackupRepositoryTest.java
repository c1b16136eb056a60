package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.cloudbackup.CloudBackup;
import io.latchkey.core.user.User;
import io.latchkey.core.usertoken.TokenKind;
import io.latchkey.core.usertoken.UserToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcCloudBackupRepositoryTest extends StoreTest {
  private JdbcCloudBackupRepository backups;
  private User alice;

  @BeforeEach
  void repository() {
    backups = new JdbcCloudBackupRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void theFirstBackupIsVersionOneAndASecondFirstIsRefused() {
    assertThat(backups.find(alice.id())).isEmpty();
    assertThat(backups.insertFirst(alice.id(), bytes("one"), T0)).isTrue();
    assertThat(backups.insertFirst(alice.id(), bytes("two"), T0)).isFalse();

    CloudBackup stored = backups.find(alice.id()).orElseThrow();
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.content()).isEqualTo(bytes("one"));
    assertThat(stored.updatedAt()).isEqualTo(T0);
  }

  @Test
  void aReplacementNamesTheVersionItReplaces() {
    backups.insertFirst(alice.id(), bytes("one"), T0);

    assertThat(backups.replaceVersion(alice.id(), 2, bytes("wrong"), T0)).isFalse();
    assertThat(backups.replaceVersion(alice.id(), 1, bytes("two"), T0.plusSeconds(1))).isTrue();
    assertThat(backups.replaceVersion(alice.id(), 1, bytes("stale"), T0)).isFalse();
    assertThat(backups.replaceAny(alice.id(), bytes("three"), T0.plusSeconds(2))).contains(3L);

    CloudBackup stored = backups.find(alice.id()).orElseThrow();
    assertThat(stored.version()).isEqualTo(3);
    assertThat(stored.content()).isEqualTo(bytes("three"));
    assertThat(backups.version(alice.id())).contains(3L);
  }

  @Test
  void nothingCanBeReplacedWhenThereIsNoBackup() {
    assertThat(backups.replaceVersion(alice.id(), 1, bytes("x"), T0)).isFalse();
    assertThat(backups.replaceAny(alice.id(), bytes("x"), T0)).isEmpty();
    assertThat(backups.version(alice.id())).isEmpty();
  }

  @Test
  void ofRacingReplacementsOfTheSameVersionExactlyOneWins() throws Exception {
    backups.insertFirst(alice.id(), bytes("one"), T0);
    List<Boolean> results =
        race(
            8,
            () ->
                transactions.inTransaction(
                    () ->
                        backups.replaceVersion(
                            alice.id(), 1, bytes(UUID.randomUUID().toString()), T0)));
    assertThat(results).containsOnlyOnce(true);
    assertThat(backups.version(alice.id())).contains(2L);
  }

  @Test
  void ofRacingFirstBackupsExactlyOneWins() throws Exception {
    List<Boolean> results =
        race(
            8,
            () -> {
              try {
                return transactions.inTransaction(
                    () -> {
                      if (!backups.insertFirst(alice.id(), bytes("first"), T0)) {
                        throw new IllegalStateException("lost");
                      }
                      return true;
                    });
              } catch (IllegalStateException lost) {
                return false;
              }
            });
    assertThat(results).containsOnlyOnce(true);
    assertThat(backups.version(alice.id())).contains(1L);
  }

  @Test
  void aMegabyteBackupReadsBackExactly() {
    byte[] content = new byte[1024 * 1024];
    RANDOM.nextBytes(content);
    backups.insertFirst(alice.id(), content, T0);
    assertThat(backups.find(alice.id()).orElseThrow().content()).isEqualTo(content);
  }

  @Test
  void userTokensAreFoundByTheirHashRevokedOnceAndSweptAfterExpiry() {
    JdbcUserTokenRepository tokens = new JdbcUserTokenRepository(jdbc);
    UserToken token =
        new UserToken(
            UUID.randomUUID(),
            TokenKind.USER,
            alice.id(),
            null,
            null,
            T0,
            T0.plus(Duration.ofMinutes(10)),
            null);
    byte[] hash = bytes("h".repeat(32));
    tokens.insert(token, hash);

    assertThat(tokens.findByHash(hash)).contains(token);
    assertThat(tokens.findByHash(bytes("x".repeat(32)))).isEmpty();
    assertThat(tokens.revoke(token.id(), T0.plusSeconds(5))).isTrue();
    assertThat(tokens.revoke(token.id(), T0.plusSeconds(6))).isFalse();
    assertThat(tokens.findByHash(hash).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(tokens.deleteExpired(T0)).isZero();
    assertThat(tokens.deleteExpired(T0.plus(Duration.ofMinutes(11)))).isEqualTo(1);
    assertThat(tokens.findByHash(hash)).isEmpty();
  }

  @Test
  void aBlockRevokesEveryLiveTokenOfTheUserAndNoOneElses() {
    JdbcUserTokenRepository tokens = new JdbcUserTokenRepository(jdbc);
    User bob = insertUser("bob");
    UserToken live = token(alice, T0.plus(Duration.ofMinutes(10)));
    UserToken second = token(alice, TokenKind.ADMIN, T0.plus(Duration.ofMinutes(9)));
    UserToken metrics = token(alice, TokenKind.METRICS, T0.plus(Duration.ofDays(3650)));
    UserToken expired = token(alice, T0.minusSeconds(1));
    UserToken signedOut = token(alice, T0.plus(Duration.ofMinutes(10)));
    UserToken bobs = token(bob, T0.plus(Duration.ofMinutes(10)));
    for (UserToken t : List.of(live, second, metrics, expired, signedOut, bobs)) {
      tokens.insert(t, bytes(t.id().toString()));
    }
    tokens.revoke(signedOut.id(), T0.minusSeconds(30));

    assertThat(tokens.revokeAllForUser(alice.id(), T0)).isEqualTo(3);
    assertThat(tokens.revokeAllForUser(alice.id(), T0.plusSeconds(1))).isZero();

    assertThat(revokedAt(tokens, live)).isEqualTo(T0);
    assertThat(revokedAt(tokens, second)).isEqualTo(T0);
    assertThat(revokedAt(tokens, metrics)).isEqualTo(T0);
    assertThat(revokedAt(tokens, expired)).isNull();
    assertThat(revokedAt(tokens, signedOut)).isEqualTo(T0.minusSeconds(30));
    assertThat(revokedAt(tokens, bobs)).isNull();
  }

  @Test
  void tokensKeepTheirKindNameAndChallengeAndAreListedLiveByKind() {
    JdbcUserTokenRepository tokens = new JdbcUserTokenRepository(jdbc);
    UUID challenge = UUID.randomUUID();
    UserToken scraper =
        new UserToken(
            UUID.randomUUID(),
            TokenKind.METRICS,
            alice.id(),
            "prometheus",
            null,
            T0.minusSeconds(60),
            T0.plus(Duration.ofDays(3650)),
            null);
    UserToken pending =
        new UserToken(
            UUID.randomUUID(),
            TokenKind.ADMIN_PUSH,
            alice.id(),
            null,
            challenge,
            T0.minusSeconds(60),
            T0.plus(Duration.ofMinutes(3)),
            null);
    UserToken user = token(alice, T0.plus(Duration.ofMinutes(10)));
    for (UserToken t : List.of(scraper, pending, user)) {
      tokens.insert(t, bytes(t.id().toString()));
    }

    assertThat(tokens.findByHash(bytes(scraper.id().toString()))).contains(scraper);
    assertThat(tokens.findByHash(bytes(pending.id().toString()))).contains(pending);
    assertThat(tokens.listLive(TokenKind.METRICS, T0)).containsExactly(scraper);
    tokens.revoke(scraper.id(), T0);
    assertThat(tokens.listLive(TokenKind.METRICS, T0)).isEmpty();
  }

  private static UserToken token(User user, java.time.Instant expiresAt) {
    return token(user, TokenKind.USER, expiresAt);
  }

  private static UserToken token(User user, TokenKind kind, java.time.Instant expiresAt) {
    return new UserToken(
        UUID.randomUUID(), kind, user.id(), null, null, T0.minusSeconds(60), expiresAt, null);
  }

  private static java.time.Instant revokedAt(JdbcUserTokenRepository tokens, UserToken token) {
    return tokens.findByHash(bytes(token.id().toString())).orElseThrow().revokedAt();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
