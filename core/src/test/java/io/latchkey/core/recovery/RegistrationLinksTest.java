package io.latchkey.core.recovery;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.InMemoryRegistrationLinkRepository;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistrationLinksTest {
  private final CoreFixture core = new CoreFixture(10);
  private final RegistrationLinks links =
      new RegistrationLinks(
          new InMemoryRegistrationLinkRepository(),
          core.users,
          new DirectTransactions(),
          core.audit,
          core.clock,
          core.random);
  private final User alice = core.addUser("alice");

  @Test
  void aLinkSignsItsUserInOnceBeforeItExpires() {
    String token = links.issue(alice, Duration.ofHours(24), Requests.by("admin")).token();

    assertThat(token).startsWith("lkr_").hasSize(4 + 43);
    assertThat(links.peek(token, Requests.by("")).id()).isEqualTo(alice.id());
    assertThat(links.peek(token, Requests.by("")).id())
        .as("looking at a link does not use it up")
        .isEqualTo(alice.id());
    assertThat(links.redeem(token, Requests.by("")).id()).isEqualTo(alice.id());

    assertRefused(() -> links.redeem(token, Requests.by("")), ErrorCode.LINK_EXPIRED);
    assertRefused(() -> links.peek(token, Requests.by("")), ErrorCode.LINK_EXPIRED);
    assertThat(core.audit.single(AuditEventType.REGISTRATION_LINK_ISSUED).actor())
        .isEqualTo("admin");
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_LINK_REJECTED))
        .extracting(e -> e.reason())
        .containsExactly("link_used", "link_used");
  }

  @Test
  void anExpiredUnknownOrReplacedLinkGetsTheSameAnswer() {
    String old = links.issue(alice, Duration.ofHours(1), Requests.by("admin")).token();
    String replacement = links.issue(alice, Duration.ofHours(1), Requests.by("admin")).token();

    assertRefused(() -> links.redeem(old, Requests.by("")), ErrorCode.LINK_EXPIRED);
    assertRefused(
        () -> links.redeem("lkr_" + "A".repeat(43), Requests.by("")), ErrorCode.LINK_EXPIRED);
    assertRefused(() -> links.redeem("not-a-link", Requests.by("")), ErrorCode.LINK_EXPIRED);

    core.clock.advance(Duration.ofHours(1));
    assertRefused(() -> links.redeem(replacement, Requests.by("")), ErrorCode.LINK_EXPIRED);
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_LINK_REJECTED))
        .extracting(e -> e.reason())
        .containsExactly("link_revoked", "link_unknown", "link_unknown", "link_expired");
  }

  @Test
  void aBlockedUserCannotUseALinkAndLifetimesAreBounded() {
    User blocked = core.users.add("bob", UserStatus.BLOCKED, core.clock.instant());

    assertRefused(
        () -> links.issue(blocked, Duration.ofHours(1), Requests.by("admin")),
        ErrorCode.USER_BLOCKED);
    assertRefused(
        () -> links.issue(alice, Duration.ofDays(8), Requests.by("admin")), ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> links.issue(alice, Duration.ofSeconds(30), Requests.by("admin")),
        ErrorCode.BAD_REQUEST);

    String token = links.issue(alice, Duration.ofHours(1), Requests.by("admin")).token();
    core.users.block(alice.id(), "suspicious", core.clock.instant());
    assertRefused(() -> links.redeem(token, Requests.by("")), ErrorCode.USER_BLOCKED);
  }
}
