package io.latchkey.core.policy;

/**
 * One setting that a new policy version changed.
 *
 * @param key the {@link PolicyKey#key()} name
 * @param from the value before, canonical text
 * @param to the value after, canonical text
 */
public record PolicyChange(String key, String from, String to) {
  @Override
  public String toString() {
    return key + ": " + from + " -> " + to;
  }
}
