package io.latchkey.core.method;

import java.util.UUID;

public record MethodId(UUID value) {
  public MethodId {
    java.util.Objects.requireNonNull(value, "value");
  }

  public static MethodId random() {
    return new MethodId(UUID.randomUUID());
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
