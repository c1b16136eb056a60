package io.latchkey.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@link SoakLoad} counts, one interval (a minute) at a time: requests by kind (e.g. {@code
 * verify.right}, {@code POST /register/confirm}), answers by status and error code (e.g. {@code 422
 * code_reused}), and answers of 5xx with what they were for. {@link #roll} hands over the interval
 * just ended and starts the next; the totals keep everything.
 */
final class SoakStats {
  /** One interval's counters. */
  static final class Interval {
    final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> serverErrors = new ConcurrentHashMap<>();
    final LongAdder requests = new LongAdder();

    void add(String kind, String outcome) {
      requests.increment();
      kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
      outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
      if (outcome.startsWith("5")) {
        serverErrors.computeIfAbsent(kind + " " + outcome, k -> new LongAdder()).increment();
      }
    }

    long serverErrorCount() {
      return serverErrors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long count(String statusPrefix) {
      return outcomes.entrySet().stream()
          .filter(e -> e.getKey().startsWith(statusPrefix))
          .mapToLong(e -> e.getValue().sum())
          .sum();
    }

    static Map<String, Long> sorted(Map<String, LongAdder> counters) {
      Map<String, Long> out = new TreeMap<>();
      counters.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }

  private final AtomicReference<Interval> current = new AtomicReference<>(new Interval());
  private final Interval total = new Interval();

  void record(String kind, String outcome) {
    current.get().add(kind, outcome);
    total.add(kind, outcome);
  }

  /** The interval that just ended; counting goes on in a new one. */
  Interval roll() {
    return current.getAndSet(new Interval());
  }

  Interval total() {
    return total;
  }
}
