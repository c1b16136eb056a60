package io.latchkey.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The push devices of one vault, in the order they were activated. Immutable. */
final class Devices {
  private final List<Device> entries;

  Devices(List<Device> entries) {
    this.entries = List.copyOf(entries);
  }

  static Devices empty() {
    return new Devices(List.of());
  }

  List<Device> all() {
    return entries;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** A copy with {@code added} at the end; the server's device IDs are unique per server. */
  Devices with(Device added) {
    for (Device existing : entries) {
      if (existing.id().equals(added.id()) && existing.server().equals(added.server())) {
        throw new AppException(
            "This app already holds device " + added.id() + " of " + added.server() + ".");
      }
    }
    List<Device> copy = new ArrayList<>(entries);
    copy.add(added);
    return new Devices(copy);
  }

  /**
   * The devices {@code query} selects: all of them when it is null, else the one whose ID is {@code
   * query} or uniquely starts with it, or whose name is {@code query} (both ignoring case).
   */
  List<Device> select(String query) {
    if (entries.isEmpty()) {
      throw new AppException(
          "This app has no push device yet; activate one with the activate command.");
    }
    if (query == null) {
      return entries;
    }
    String lower = lower(query.strip());
    List<Device> found = entries.stream().filter(d -> lower(d.id()).equals(lower)).toList();
    if (found.isEmpty()) {
      found = entries.stream().filter(d -> lower(d.name()).equals(lower)).toList();
    }
    if (found.isEmpty() && !lower.isEmpty()) {
      found = entries.stream().filter(d -> lower(d.id()).startsWith(lower)).toList();
    }
    if (found.isEmpty()) {
      throw new AppException(
          "No push device matches " + Messages.quote(query) + "; the devices command lists them.");
    }
    if (found.size() > 1) {
      throw new AppException(
          Messages.quote(query)
              + " matches "
              + found.size()
              + " devices; give more of the device ID (the devices command lists them).");
    }
    return found;
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
