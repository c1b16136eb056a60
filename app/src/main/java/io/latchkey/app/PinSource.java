package io.latchkey.app;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Where PINs come from: the environment for scripts ({@code LATCHKEY_PIN}, and {@code
 * LATCHKEY_NEW_PIN} when setting one), else a hidden prompt. Callers own the returned arrays and
 * should clear them after use.
 */
final class PinSource {
  static final String PIN_VARIABLE = "LATCHKEY_PIN";
  static final String NEW_PIN_VARIABLE = "LATCHKEY_NEW_PIN";
  static final int MINIMUM_LENGTH = 4;

  private final Map<String, String> env;
  private final Prompt prompt;

  PinSource(Map<String, String> env, Prompt prompt) {
    this.env = Map.copyOf(env);
    this.prompt = prompt;
  }

  /** {@code LATCHKEY_PIN}, if set and not empty. */
  Optional<char[]> fromEnvironment() {
    return variable(PIN_VARIABLE);
  }

  /** The PIN that opens the vault: {@code LATCHKEY_PIN}, else the prompt. */
  char[] current() {
    return fromEnvironment().orElseGet(() -> ask("PIN: ", PIN_VARIABLE));
  }

  /** A new PIN: {@code LATCHKEY_NEW_PIN}, else the prompt, typed twice. */
  char[] fresh() {
    Optional<char[]> fromEnv = variable(NEW_PIN_VARIABLE);
    char[] pin;
    if (fromEnv.isPresent()) {
      pin = fromEnv.get();
    } else {
      pin = ask("New PIN: ", NEW_PIN_VARIABLE);
      char[] again = ask("Repeat the new PIN: ", NEW_PIN_VARIABLE);
      boolean same = Arrays.equals(pin, again);
      Arrays.fill(again, '\0');
      if (!same) {
        Arrays.fill(pin, '\0');
        throw new AppException("The two PINs differ; the PIN was not changed.");
      }
    }
    if (pin.length < MINIMUM_LENGTH) {
      Arrays.fill(pin, '\0');
      throw new AppException(
          "A PIN needs at least " + MINIMUM_LENGTH + " characters; the PIN was not changed.");
    }
    return pin;
  }

  private Optional<char[]> variable(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value.toCharArray());
  }

  private char[] ask(String question, String variable) {
    char[] answer = prompt.readHidden(question);
    if (answer == null) {
      throw new AppException(
          "A PIN is needed but there is no terminal to ask for it; set " + variable + ".");
    }
    return answer;
  }
}
