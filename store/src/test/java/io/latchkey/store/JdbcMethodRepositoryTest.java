package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.User;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcMethodRepositoryTest extends StoreTest {
  private JdbcMethodRepository methods;
  private JdbcTotpCredentialRepository credentials;

  @BeforeEach
  void repositories() {
    methods = new JdbcMethodRepository(jdbc);
    credentials = new JdbcTotpCredentialRepository(jdbc, cipher, transactions);
  }

  @Test
  void listByUserShowsOnlyThatUsersMethodsOldestFirst() {
    User alice = insertUser("alice");
    User bob = insertUser("bob");
    Method phone = totpMethod(alice, T0);
    Method tablet = totpMethod(alice, T0.plusSeconds(60));
    Method bobs = totpMethod(bob, T0);
    credentials.insert(tablet, credential(tablet, Secret.generate(RANDOM), 0));
    credentials.insert(phone, credential(phone, Secret.generate(RANDOM), 0));
    credentials.insert(bobs, credential(bobs, Secret.generate(RANDOM), 0));

    assertThat(methods.listByUser(alice.id())).containsExactly(phone, tablet);
  }

  @Test
  void deleteAllForUserRemovesTheMethodsAndTheirSecrets() {
    User alice = insertUser("alice");
    User bob = insertUser("bob");
    Method phone = totpMethod(alice, T0);
    Method bobs = totpMethod(bob, T0);
    credentials.insert(phone, credential(phone, Secret.generate(RANDOM), 0));
    credentials.insert(bobs, credential(bobs, Secret.generate(RANDOM), 0));

    assertThat(methods.deleteAllForUser(alice.id())).isEqualTo(1);

    assertThat(methods.listByUser(alice.id())).isEmpty();
    assertThat(credentials.findByUser(alice.id())).isEmpty();
    assertThat(jdbc.sql("SELECT COUNT(*) FROM totp_credentials").query(Long.class).single())
        .as("bob's credential stays, alice's sealed secret is gone with her method")
        .isEqualTo(1);
  }

  @Test
  void deleteRemovesOneMethodOfItsOwnUserOnly() {
    User alice = insertUser("alice");
    User bob = insertUser("bob");
    Method phone = totpMethod(alice, T0);
    Method tablet = totpMethod(alice, T0.plusSeconds(60));
    credentials.insert(phone, credential(phone, Secret.generate(RANDOM), 0));
    credentials.insert(tablet, credential(tablet, Secret.generate(RANDOM), 0));

    assertThat(methods.delete(bob.id(), phone.id()))
        .as("bob cannot remove alice's method by its ID")
        .isFalse();
    assertThat(methods.delete(alice.id(), phone.id())).isTrue();
    assertThat(methods.delete(alice.id(), phone.id())).isFalse();

    assertThat(methods.listByUser(alice.id())).containsExactly(tablet);
    assertThat(credentials.findByUser(alice.id()))
        .extracting(c -> c.methodId())
        .containsExactly(tablet.id());
  }

  @Test
  void aLongUserAgentIsShortenedNotRefused() {
    User alice = insertUser("alice");
    Method method =
        new Method(
            MethodId.random(),
            alice.id(),
            MethodKind.TOTP,
            "Authenticator app",
            T0,
            "192.0.2.7",
            "Agent ".repeat(2000),
            null);

    credentials.insert(method, credential(method, Secret.generate(RANDOM), 0));

    assertThat(methods.listByUser(alice.id()).get(0).registeredUserAgent()).hasSize(1000);
  }
}
