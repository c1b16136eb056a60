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

  /**
   * A line that need not be hidden (the number of a sign-in request), or null when there is no
   * terminal to ask on. Hidden too unless the prompt knows better.
   */
  default String readLine(String question) {
    char[] typed = readHidden(question);
    return typed == null ? null : new String(typed);
  }

  /** The real terminal, through {@link System#console()}. */
  static Prompt system() {
    return new Prompt() {
      @Override
      public char[] readHidden(String question) {
        Console console = terminal();
        return console == null ? null : console.readPassword("%s", question);
      }

      @Override
      public String readLine(String question) {
        Console console = terminal();
        return console == null ? null : console.readLine("%s", question);
      }
    };
  }

  private static Console terminal() {
    Console console = System.console();
    return console == null || !isTerminal(console) ? null : console;
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
