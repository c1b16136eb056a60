package io.latchkey.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Percentiles of a set of durations (nearest rank: p50 of 500 samples is the 250th smallest). In
 * milliseconds, for the report.
 */
record Latencies(int count, double p50, double p90, double p99, double max, double mean) {

  static Latencies ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new Latencies(0, 0, 0, 0, 0, 0);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new Latencies(
        sorted.length,
        ms(rank(sorted, 50)),
        ms(rank(sorted, 90)),
        ms(rank(sorted, 99)),
        ms(sorted[sorted.length - 1]),
        sum / sorted.length / 1e6);
  }

  private static long rank(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  String text() {
    if (count == 0) {
      return "no samples";
    }
    return String.format(
        java.util.Locale.ROOT,
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (mean %.1f ms, n=%d)",
        p50,
        p90,
        p99,
        max,
        mean,
        count);
  }

  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("p50", round(p50));
    out.put("p90", round(p90));
    out.put("p99", round(p99));
    out.put("max", round(max));
    out.put("mean", round(mean));
    return out;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
