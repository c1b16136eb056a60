package io.latchkey.core.testing;

import io.latchkey.core.user.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A fast stand-in for Argon2id (one SHA-256) that remembers which stored hashes it was asked to
 * compare against, so a test can see that a path did the same work as another.
 */
public final class FakePasswordHasher implements PasswordHasher {
  private final List<String> comparedAgainst = new ArrayList<>();

  @Override
  public String hash(CharSequence password) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(password.toString().getBytes(StandardCharsets.UTF_8));
      return "$fake-sha256$" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized boolean matches(CharSequence password, String storedHash) {
    comparedAgainst.add(storedHash);
    return hash(password).equals(storedHash);
  }

  /** Every stored hash {@link #matches} was called with, in order. */
  public synchronized List<String> comparedAgainst() {
    return List.copyOf(comparedAgainst);
  }
}
