package io.latchkey.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line of {@code doctor}'s report: what was checked, how it went, and in plain words what it
 * found and what to do; {@code facts} are the measured values for {@code --json}.
 *
 * @param name what was checked: "vault", "server", "clock", "storage", "root", "notifications",
 *     "push"
 * @param status how it went
 * @param message the finding, and the remedy when there is something to fix
 * @param facts measured values (milliseconds, counts, the server), in order
 */
record Check(String name, Status status, String message, Map<String, Object> facts) {

  /** OK: nothing to do; WARN: worth fixing, works for now; FAIL: something will not work. */
  enum Status {
    OK,
    WARN,
    FAIL;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Check {
    facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
  }

  static Check ok(String name, String message, Map<String, Object> facts) {
    return new Check(name, Status.OK, message, facts);
  }

  static Check warn(String name, String message, Map<String, Object> facts) {
    return new Check(name, Status.WARN, message, facts);
  }

  static Check fail(String name, String message, Map<String, Object> facts) {
    return new Check(name, Status.FAIL, message, facts);
  }

  /** "WARN clock: ...", the status padded so that the names line up. */
  String line() {
    return String.format(Locale.ROOT, "%-4s  %s: %s", status, name, message);
  }

  /** The check as one JSON object: check, status, message, then the facts. */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("check", name);
    json.put("status", status.wireName());
    json.put("message", message);
    json.putAll(facts);
    return json;
  }
}
