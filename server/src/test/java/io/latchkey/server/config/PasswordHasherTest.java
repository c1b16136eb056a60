package io.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.user.PasswordHasher;
import org.junit.jupiter.api.Test;

/**
 * The server's Argon2id password hasher and text that is not Unicode (security review of issue 14):
 * a string with an unpaired UTF-16 surrogate, which a JSON escape can carry, made the hasher throw
 * (a 500 at sign-in, before the try was counted); it matches no password instead.
 */
class PasswordHasherTest {
  private final PasswordHasher hasher = new CoreConfiguration().passwordHasher();

  @Test
  void anUnpairedSurrogateMatchesNothingAndThrowsNothing() {
    String stored = hasher.hash("a quiet lake at dawn");

    assertThat(hasher.matches("a quiet lake at dawn", stored)).isTrue();
    assertThat(hasher.matches("a quiet lake at dawn\ud800", stored)).isFalse();
    assertThat(hasher.matches("\udc00", stored)).isFalse();
    // A password replaced character for character is not the stored one either.
    String replaced = hasher.hash("ab\ufffdcdefgh");
    assertThat(hasher.matches("ab\ud800cdefgh", replaced)).isFalse();
    // A pair is a character like any other.
    String emoji = hasher.hash("a lake \ud83c\udf0a at dawn");
    assertThat(hasher.matches("a lake \ud83c\udf0a at dawn", emoji)).isTrue();
  }
}
