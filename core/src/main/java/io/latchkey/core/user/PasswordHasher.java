package io.latchkey.core.user;

/** A slow password hash (Argon2id): the core does not care which library provides it. */
public interface PasswordHasher {
  String hash(CharSequence password);

  boolean matches(CharSequence password, String storedHash);
}
