package io.latchkey.core.user;

import java.util.UUID;

/** The immutable identity of a user; MFA records are keyed by it, never by the name. */
public record UserId(UUID value) {
  public UserId {
    java.util.Objects.requireNonNull(value, "value");
  }

  public static UserId random() {
    return new UserId(UUID.randomUUID());
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
