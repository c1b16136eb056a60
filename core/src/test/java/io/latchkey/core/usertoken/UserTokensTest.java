package io.latchkey.core.usertoken;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.SignInThrottle;
import io.latchkey.core.user.SignInThrottlePolicy;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserTokensTest {
  private static final String PASSWORD = "correct horse battery staple";

  private final CoreFixture core = new CoreFixture(10);
  private final FakePasswordHasher hasher = new FakePasswordHasher();
  private final Tokens stored = new Tokens();
  private final RequestContext context = Requests.by("alice");
  private UserTokens tokens;
  private User alice;
  private TotpCredential credential;

  @BeforeEach
  void wire() {
    Accounts accounts =
        new Accounts(
            core.users,
            new SignInThrottle(
                new InMemorySignInThrottleRepository(), SignInThrottlePolicy.DEFAULT, core.clock),
            hasher,
            core.audit,
            core.clock,
            Requests.seededRandom(3),
            io.latchkey.core.user.PasswordRules.shipped(8));
    tokens =
        new UserTokens(
            accounts,
            core.verification,
            core.users,
            stored,
            core.audit,
            core.clock,
            Requests.seededRandom(4),
            Duration.ofMinutes(10),
            core.passwordChanges(accounts, hasher));
    alice = core.addUser("alice");
    core.users.setPasswordHash(alice.id(), hasher.hash(PASSWORD));
    credential = core.registerTotp(alice);
  }

  @Test
  void thePasswordAndACodeGiveATokenThatIsStoredOnlyAsItsHash() {
    UserTokens.Issued issued = tokens.signIn("Alice", PASSWORD, code(), null, context);

    assertThat(issued.token()).startsWith(UserTokens.TOKEN_PREFIX).hasSize(4 + 43);
    assertThat(issued.session().expiresAt())
        .isEqualTo(core.clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(stored.hashes.keySet())
        .containsExactly(Arrays.toString(UserTokens.hash(issued.token())));
    assertThat(issued.toString()).doesNotContain(issued.token());
    assertThat(tokens.authenticate(issued.token(), context).orElseThrow().user().id())
        .isEqualTo(alice.id());
    assertThat(core.audit.single(AuditEventType.USER_SESSION_CREATED).detail())
        .doesNotContain(issued.token());
  }

  @Test
  void theTokenStopsAtItsExpiryOnRevocationAndForAnythingElse() {
    UserTokens.Issued issued = tokens.signIn("alice", PASSWORD, code(), null, context);
    core.clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(tokens.authenticate(issued.token(), context)).isPresent();
    core.clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.authenticate(issued.token(), context)).isEmpty();

    core.clock.advance(Duration.ofSeconds(30));
    UserTokens.Issued second = tokens.signIn("alice", PASSWORD, code(), null, context);
    tokens.revoke(tokens.authenticate(second.token(), context).orElseThrow(), context);
    assertThat(tokens.authenticate(second.token(), context)).isEmpty();
    for (String other :
        new String[] {null, "", "lk_" + second.token().substring(4), second.token() + "x"}) {
      assertThat(tokens.authenticate(other, context)).isEmpty();
    }
  }

  @Test
  void aWrongPasswordAndAnUnknownUserAreOneRefusalAndTheCodeIsNotLookedAt() {
    assertRefused(
        () -> tokens.signIn("alice", "wrong", code(), null, context), ErrorCode.UNAUTHORIZED);
    assertRefused(
        () -> tokens.signIn("nobody", PASSWORD, code(), null, context), ErrorCode.UNAUTHORIZED);
    assertThat(core.reload(alice).failedAttempts()).isZero();
    assertThat(core.audit.ofType(AuditEventType.VERIFICATION_REJECTED)).isEmpty();
  }

  @Test
  void aWrongCodeCountsTowardTheLockoutAndAUsedOneIsRefused() {
    String wrong = core.wrongCode(credential.secret());
    assertRefused(
        () -> tokens.signIn("alice", PASSWORD, wrong, null, context), ErrorCode.INVALID_CODE);
    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);

    String right = code();
    tokens.signIn("alice", PASSWORD, right, null, context);
    assertRefused(
        () -> tokens.signIn("alice", PASSWORD, right, null, context), ErrorCode.CODE_REUSED);
    assertThat(stored.hashes).hasSize(1);
  }

  @Test
  void aBlockedUsersLiveTokenIsRefusedWithTheReason() {
    UserTokens.Issued issued = tokens.signIn("alice", PASSWORD, code(), null, context);
    core.users.block(alice.id(), "lost phone", core.clock.instant());
    assertRefused(() -> tokens.authenticate(issued.token(), context), ErrorCode.USER_BLOCKED);
    assertThat(core.audit.single(AuditEventType.USER_SESSION_REJECTED).reason())
        .isEqualTo("user_blocked");
    core.users.unblock(alice.id());
    core.users.disable(alice.id(), "left", core.clock.instant());
    assertRefused(() -> tokens.authenticate(issued.token(), context), ErrorCode.USER_DISABLED);
  }

  @Test
  void aTokenRevokedByABlockSaysWhyDuringTheBlockAndOpensNothingAfterTheUnblock() {
    UserTokens.Issued issued = tokens.signIn("alice", PASSWORD, code(), null, context);
    core.users.block(alice.id(), "suspicious", core.clock.instant());
    assertThat(stored.revokeAllForUser(alice.id(), core.clock.instant())).isEqualTo(1);

    assertRefused(() -> tokens.authenticate(issued.token(), context), ErrorCode.USER_BLOCKED);

    core.users.unblock(alice.id());
    assertThat(tokens.authenticate(issued.token(), context)).isEmpty();
    core.clock.advance(Duration.ofMinutes(10));
    core.users.block(alice.id(), "again", core.clock.instant());
    assertThat(tokens.authenticate(issued.token(), context)).as("expired").isEmpty();
  }

  private String code() {
    return core.code(credential.secret(), 0);
  }

  /** User tokens in memory, by the hash's bytes. */
  private static final class Tokens implements UserTokenRepository {
    final Map<String, UserToken> hashes = new HashMap<>();

    @Override
    public synchronized void insert(UserToken token, byte[] tokenHash) {
      hashes.put(Arrays.toString(tokenHash), token);
    }

    @Override
    public synchronized Optional<UserToken> findByHash(byte[] tokenHash) {
      return Optional.ofNullable(hashes.get(Arrays.toString(tokenHash)));
    }

    @Override
    public synchronized boolean revoke(UUID id, Instant at) {
      for (var entry : hashes.entrySet()) {
        UserToken t = entry.getValue();
        if (t.id().equals(id) && t.revokedAt() == null) {
          entry.setValue(revoked(t, at));
          return true;
        }
      }
      return false;
    }

    @Override
    public synchronized int revokeAllForUser(io.latchkey.core.user.UserId user, Instant at) {
      int count = 0;
      for (var entry : hashes.entrySet()) {
        UserToken t = entry.getValue();
        if (t.userId().equals(user) && t.revokedAt() == null && t.expiresAt().isAfter(at)) {
          entry.setValue(revoked(t, at));
          count++;
        }
      }
      return count;
    }

    @Override
    public synchronized java.util.List<UserToken> listLive(TokenKind kind, Instant now) {
      return hashes.values().stream()
          .filter(t -> t.kind() == kind && t.usableAt(now))
          .sorted(java.util.Comparator.comparing(UserToken::createdAt))
          .toList();
    }

    private static UserToken revoked(UserToken t, Instant at) {
      return new UserToken(
          t.id(),
          t.kind(),
          t.userId(),
          t.name(),
          t.challengeId(),
          t.createdAt(),
          t.expiresAt(),
          at);
    }

    @Override
    public synchronized int deleteExpired(Instant before) {
      int before0 = hashes.size();
      hashes.values().removeIf(t -> t.expiresAt().isBefore(before));
      return before0 - hashes.size();
    }
  }
}
