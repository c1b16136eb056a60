package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.recovery.RegistrationLink;
import io.latchkey.core.user.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcRegistrationLinkRepositoryTest extends StoreTest {
  private JdbcRegistrationLinkRepository links;

  @BeforeEach
  void repository() {
    links = new JdbcRegistrationLinkRepository(jdbc);
  }

  @Test
  void aLinkIsFoundByItsTokenHashAndRedeemedOnceEvenWhenRequestsRace() throws Exception {
    User user = insertUser("alice");
    RegistrationLink link = link(user, Duration.ofHours(1));
    links.insert(link, sha256("lkr_one"));

    assertThat(links.findByTokenHash(sha256("lkr_one"))).contains(link);
    assertThat(links.findByTokenHash(sha256("lkr_two"))).isEmpty();

    List<Boolean> results = race(20, () -> links.markUsedIfUsable(link.id(), T0.plusSeconds(9)));

    assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
    assertThat(links.findByTokenHash(sha256("lkr_one")).orElseThrow().usedAt())
        .isEqualTo(T0.plusSeconds(9));
  }

  @Test
  void anExpiredOrRevokedLinkCannotBeRedeemed() throws Exception {
    User user = insertUser("bob");
    RegistrationLink shortLived = link(user, Duration.ofMinutes(5));
    links.insert(shortLived, sha256("lkr_short"));
    assertThat(links.markUsedIfUsable(shortLived.id(), T0.plus(Duration.ofMinutes(5)))).isFalse();

    RegistrationLink replaced = link(user, Duration.ofHours(1));
    links.insert(replaced, sha256("lkr_replaced"));
    assertThat(links.revokeUnused(user.id(), T0.plusSeconds(1))).isEqualTo(2);
    assertThat(links.markUsedIfUsable(replaced.id(), T0.plusSeconds(2))).isFalse();
    assertThat(links.findByTokenHash(sha256("lkr_replaced")).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(1));
  }

  private static RegistrationLink link(User user, Duration lifetime) {
    return new RegistrationLink(
        UUID.randomUUID(), user.id(), T0, T0.plus(lifetime), "admin", null, null);
  }

  private static byte[] sha256(String token) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
  }
}
