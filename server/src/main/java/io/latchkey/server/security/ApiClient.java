package io.latchkey.server.security;

import java.io.Serializable;
import java.util.UUID;

/** A relying application, authenticated by its API key. */
public record ApiClient(UUID keyId, String name) implements Serializable {
  private static final long serialVersionUID = 1L;

  public String actor() {
    return "api-key:" + name;
  }
}
