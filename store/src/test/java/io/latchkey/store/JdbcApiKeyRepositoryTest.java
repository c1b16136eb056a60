package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.apikey.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcApiKeyRepositoryTest extends StoreTest {
  private JdbcApiKeyRepository keys;

  @BeforeEach
  void repository() {
    keys = new JdbcApiKeyRepository(jdbc);
  }

  @Test
  void activeKeyIsFoundByTheHashOfItsToken() throws Exception {
    ApiKey key = key("wiki", T0);
    keys.insert(key, sha256("lk_token-one"));

    assertThat(keys.findActiveByHash(sha256("lk_token-one"))).contains(key);
    assertThat(keys.findActiveByHash(sha256("lk_token-two"))).isEmpty();
  }

  @Test
  void revokedKeyIsNoLongerFoundAndRevokesOnce() throws Exception {
    ApiKey key = key("wiki", T0);
    keys.insert(key, sha256("lk_token-one"));

    assertThat(keys.revoke(key.id(), T0.plusSeconds(60))).isTrue();
    assertThat(keys.revoke(key.id(), T0.plusSeconds(120))).isFalse();
    assertThat(keys.revoke(UUID.randomUUID(), T0)).isFalse();

    assertThat(keys.findActiveByHash(sha256("lk_token-one"))).isEmpty();
    assertThat(keys.list())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.active()).isFalse();
              assertThat(k.revokedAt()).isEqualTo(T0.plusSeconds(60));
            });
  }

  @Test
  void listShowsEveryKeyOldestFirst() throws Exception {
    ApiKey vpn = key("vpn", T0.plusSeconds(10));
    ApiKey wiki = key("wiki", T0);
    keys.insert(vpn, sha256("lk_a"));
    keys.insert(wiki, sha256("lk_b"));

    List<ApiKey> listed = keys.list();

    assertThat(listed).containsExactly(wiki, vpn);
  }

  private static ApiKey key(String name, java.time.Instant createdAt) {
    return new ApiKey(UUID.randomUUID(), name, "lk_abcdefg", createdAt, "admin", null);
  }

  private static byte[] sha256(String token) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
  }
}
