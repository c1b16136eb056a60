package io.latchkey.app;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Asks the person at the terminal for a PIN or a password without echoing it (the app's PIN, the
 * admin commands' password).
 */
@FunctionalInterface
public interface Prompt {

  /** The typed text, or null when there is no terminal to ask on. */
  char[] readHidden(String question);

  /** The real terminal, through {@link System#console()}. */
  static Prompt system() {
    return question -> {
      Console console = System.console();
      if (console == null || !isTerminal(console)) {
        return null;
      }
      return console.readPassword("%s", question);
    };
  }

  /**
   * From JDK 22 {@code System.console()} may return a console even when input is redirected; {@code
   * Console.isTerminal()} (JDK 22+) tells the two apart. Looked up reflectively because the code is
   * compiled for Java 21, where a non-null console is always a terminal.
   */
  private static boolean isTerminal(Console console) {
    try {
      Method method = Console.class.getMethod("isTerminal");
      return (Boolean) method.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
