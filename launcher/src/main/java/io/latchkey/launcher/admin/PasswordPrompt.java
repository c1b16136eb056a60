package io.latchkey.launcher.admin;

import java.io.Console;
import java.lang.reflect.Method;

/** Asks the person at the terminal for the administrator's password. */
@FunctionalInterface
public interface PasswordPrompt {

  /**
   * @param question what to ask
   * @return the password typed, or {@code null} when there is no terminal to ask on
   */
  char[] ask(String question);

  /** The process's terminal, without echo. */
  static PasswordPrompt system() {
    return question -> {
      Console console = System.console();
      if (console == null || !isTerminal(console)) {
        return null;
      }
      return console.readPassword("%s", question);
    };
  }

  /**
   * From Java 22 on, {@code System.console()} may return a console whose input is a pipe; asking
   * there would swallow a script's stdin. {@code Console.isTerminal()} tells, but only exists from
   * 22, and this code compiles for 21.
   */
  private static boolean isTerminal(Console console) {
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (NoSuchMethodException e) {
      return true; // Java 21: a non-null console is a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
