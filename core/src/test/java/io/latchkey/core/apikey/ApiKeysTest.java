package io.latchkey.core.apikey;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.InMemoryApiKeyRepository;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {
  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryApiKeyRepository repository = new InMemoryApiKeyRepository();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final ApiKeys apiKeys = new ApiKeys(repository, audit, clock, Requests.seededRandom(42));
  private final RequestContext admin = Requests.by("root");

  @Test
  void aTokenIsLkAndFortyThreeBase64UrlCharactersOf256RandomBits() {
    ApiKeys.Issued issued = apiKeys.create("billing", admin);

    assertThat(issued.token()).matches("lk_[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(issued.token().substring(3))).hasSize(32);
    assertThat(issued.key().prefix()).isEqualTo(issued.token().substring(0, 10));
    assertThat(issued.key().name()).isEqualTo("billing");
    assertThat(issued.key().createdBy()).isEqualTo("root");
    assertThat(issued.key().createdAt()).isEqualTo(CoreFixture.START);
    assertThat(issued.key().active()).isTrue();
  }

  @Test
  void twoKeysNeverShareAToken() {
    assertThat(apiKeys.create("a", admin).token()).isNotEqualTo(apiKeys.create("b", admin).token());
  }

  @Test
  void onlyTheSha256OfTheTokenIsStoredAndTheTokenIsNeverPrinted() {
    ApiKeys.Issued issued = apiKeys.create("billing", admin);

    assertThat(repository.storedHashes()).containsExactly(sha256(issued.token()));
    assertThat(repository.list()).containsExactly(issued.key());
    assertThat(issued.key().toString()).doesNotContain(issued.token());
    assertThat(issued.toString()).doesNotContain(issued.token());
    for (AuditEvent event : audit.events()) {
      assertThat(event.toString()).doesNotContain(issued.token());
    }
  }

  @Test
  void authenticateFindsTheActiveKeyForItsToken() {
    apiKeys.create("other", admin);
    ApiKeys.Issued issued = apiKeys.create("billing", admin);

    assertThat(apiKeys.authenticate(issued.token())).hasValue(issued.key());
  }

  @Test
  void aRevokedKeyNoLongerAuthenticates() {
    ApiKeys.Issued issued = apiKeys.create("billing", admin);
    clock.advance(java.time.Duration.ofDays(1));

    apiKeys.revoke(issued.key().id(), admin);

    assertThat(apiKeys.authenticate(issued.token())).isEmpty();
    assertThat(apiKeys.list())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.active()).isFalse();
              assertThat(k.revokedAt()).isEqualTo(clock.instant());
            });
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "lk_",
        "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "LK_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "' OR 1=1 --"
      })
  void garbageNeverAuthenticates(String token) {
    apiKeys.create("billing", admin);

    assertThat(apiKeys.authenticate(token)).isEmpty();
  }

  @Test
  void aTokenAlteredInAnyWayDoesNotAuthenticate() {
    String token = apiKeys.create("billing", admin).token();
    char last = token.charAt(token.length() - 1);

    assertThat(apiKeys.authenticate(token.substring(3))).isEmpty();
    assertThat(apiKeys.authenticate(token + "A")).isEmpty();
    assertThat(apiKeys.authenticate(token.substring(0, token.length() - 1))).isEmpty();
    assertThat(
            apiKeys.authenticate(
                token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A')))
        .isEmpty();
    assertThat(apiKeys.authenticate(" " + token)).isEmpty();
    assertThat(apiKeys.authenticate(token + "\n")).isEmpty();
  }

  @Test
  void anOversizedTokenIsRefusedWithoutALookup() {
    String token = apiKeys.create("billing", admin).token();

    assertThat(apiKeys.authenticate(token + "A".repeat(1_000_000))).isEmpty();
    assertThat(apiKeys.authenticate("lk_" + "A".repeat(198))).isEmpty();

    assertThat(repository.lookups()).isZero();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "billing\nX-Forged: 1", "billing\u0000", "\u001B[31mred"})
  void aKeyNeedsAPrintableName(String name) {
    assertRefused(() -> apiKeys.create(name, admin), ErrorCode.BAD_REQUEST);

    assertThat(repository.list()).isEmpty();
    assertThat(audit.events()).isEmpty();
  }

  @Test
  void aNameHasAtMostOneHundredCharactersAndIsTrimmed() {
    assertRefused(() -> apiKeys.create("x".repeat(101), admin), ErrorCode.BAD_REQUEST);

    assertThat(apiKeys.create("x".repeat(100), admin).key().name()).hasSize(100);
    assertThat(apiKeys.create("  billing  ", admin).key().name()).isEqualTo("billing");
  }

  @Test
  void creatingAndRevokingAreAuditedWithTheActor() {
    ApiKeys.Issued issued = apiKeys.create("billing", admin);
    RequestContext otherAdmin = Requests.by("ops");

    apiKeys.revoke(issued.key().id(), otherAdmin);

    List<AuditEvent> events = audit.events();
    assertThat(events)
        .extracting(AuditEvent::type)
        .containsExactly(AuditEventType.API_KEY_CREATED, AuditEventType.API_KEY_REVOKED);
    assertThat(events.get(0).actor()).isEqualTo("root");
    assertThat(events.get(0).correlationId()).isEqualTo(admin.correlationId());
    assertThat(events.get(0).detail()).contains("billing").contains(issued.key().prefix());
    assertThat(events.get(1).actor()).isEqualTo("ops");
    assertThat(events.get(1).detail()).contains(issued.key().id().toString());
  }

  @Test
  void revokingTwiceOrAnUnknownKeyIsNotFoundAndNotAudited() {
    ApiKeys.Issued issued = apiKeys.create("billing", admin);
    apiKeys.revoke(issued.key().id(), admin);

    assertRefused(() -> apiKeys.revoke(issued.key().id(), admin), ErrorCode.NOT_FOUND);
    assertRefused(() -> apiKeys.revoke(UUID.randomUUID(), admin), ErrorCode.NOT_FOUND);

    assertThat(audit.ofType(AuditEventType.API_KEY_REVOKED)).hasSize(1);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
