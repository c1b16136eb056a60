package io.latchkey.core.push;

import java.util.Locale;
import java.util.Optional;

/** A device's answer to a challenge. {@code REPORT} is a denial that also reports fraud. */
public enum Decision {
  APPROVE,
  DENY,
  REPORT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Decision> fromWireName(String name) {
    for (Decision decision : values()) {
      if (decision.wireName().equals(name)) {
        return Optional.of(decision);
      }
    }
    return Optional.empty();
  }
}
