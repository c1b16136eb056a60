package io.latchkey.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The entries of one vault, in the order they were added. Immutable. */
final class Accounts {
  private final List<Account> entries;

  Accounts(List<Account> entries) {
    this.entries = List.copyOf(entries);
  }

  static Accounts empty() {
    return new Accounts(List.of());
  }

  List<Account> all() {
    return entries;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** A copy with {@code added} at the end; refuses a second copy of a key or a taken name. */
  Accounts with(Account added) {
    for (Account existing : entries) {
      if (existing.sameCredentialAs(added)) {
        throw new AppException(
            "This account is already in the app as \""
                + existing.name()
                + "\"; nothing was added.");
      }
      if (existing.name().equals(added.name())) {
        throw new AppException(
            "An account named \""
                + added.name()
                + "\" already exists; add this one with --name to give it another name.");
      }
    }
    List<Account> copy = new ArrayList<>(entries);
    copy.add(added);
    return new Accounts(copy);
  }

  Accounts without(Account removed) {
    List<Account> copy = new ArrayList<>(entries);
    copy.remove(removed);
    return new Accounts(copy);
  }

  Accounts replacing(Account old, Account updated) {
    List<Account> copy = new ArrayList<>(entries);
    copy.set(copy.indexOf(old), updated);
    return new Accounts(copy);
  }

  /**
   * The one entry {@code query} names: its exact name, else its name ignoring case, else the one
   * name containing it (ignoring case). Each rule is tried only when the stricter one found
   * nothing, so "Example" still picks "Example" when "Example: bob" exists too.
   */
  Account find(String query) {
    List<Account> found = wholeName(query);
    if (found.isEmpty()) {
      String lower = lower(query);
      found = matching(a -> lower(a.name()).contains(lower));
    }
    return single(query, found);
  }

  /**
   * The entry whose whole name is {@code query} (exact, else ignoring case). Used where a wrong
   * guess would destroy something, so a fragment is not enough.
   */
  Account findWhole(String query) {
    List<Account> found = wholeName(query);
    if (found.isEmpty()) {
      List<Account> partial = matching(a -> lower(a.name()).contains(lower(query)));
      if (partial.size() == 1) {
        throw new AppException(
            "No account is named exactly "
                + Messages.quote(query)
                + "; give the whole name, \""
                + partial.get(0).name()
                + "\".");
      }
    }
    return single(query, found);
  }

  private List<Account> wholeName(String query) {
    List<Account> found = matching(a -> a.name().equals(query));
    // lower() rather than equalsIgnoreCase, so "any case" means the same here as in the
    // fragment rule below (they differ for letters such as the dotted capital I).
    return found.isEmpty() ? matching(a -> lower(a.name()).equals(lower(query))) : found;
  }

  private List<Account> matching(Predicate<Account> test) {
    return entries.stream().filter(test).toList();
  }

  private Account single(String query, List<Account> found) {
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new AppException(
          "No account matches " + Messages.quote(query) + "; the list command shows the names.");
    }
    List<String> names = found.stream().map(a -> "\"" + a.name() + "\"").toList();
    throw new AppException(
        Messages.quote(query)
            + " matches "
            + found.size()
            + " accounts ("
            + String.join(", ", names)
            + "); give more of the name.");
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
