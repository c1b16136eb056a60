package io.latchkey.core.push;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How push approval runs.
 *
 * @param challengeTtl how long a sign-in challenge stays open (never more than 10 minutes: NIST SP
 *     800-63B rev. 4 §3.1.3.2)
 * @param numberDigits digits of the number shown on the sign-in screen, 2 to 6 (6 meets rev. 4's
 *     out-of-band secret length; 3 is the default, as Duo)
 * @param maxOpenChallenges challenges a user may have open at once
 * @param maxChallengesPerWindow challenges a user may be sent within {@code window}
 * @param window the window for the rate limit and for counting denials
 * @param denialsToBlock denials (and wrong numbers) within the window that pause pushes for the
 *     user; one fraud report always does
 * @param posture what each posture rule does
 * @param network the network consistency rule
 */
public record PushPolicy(
    Duration challengeTtl,
    int numberDigits,
    int maxOpenChallenges,
    int maxChallengesPerWindow,
    Duration window,
    int denialsToBlock,
    Map<PostureRule, RuleAction> posture,
    NetworkRule network) {
  public static final Duration MAX_TTL = Duration.ofMinutes(10);

  public PushPolicy {
    if (challengeTtl.isNegative() || challengeTtl.isZero() || challengeTtl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a push challenge lasts more than 0 s and at most 10 min");
    }
    if (numberDigits < 2 || numberDigits > 6) {
      throw new IllegalArgumentException("the number shown has 2 to 6 digits");
    }
    if (maxOpenChallenges < 1 || maxChallengesPerWindow < 1 || denialsToBlock < 1) {
      throw new IllegalArgumentException("push limits must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the push window must be positive");
    }
    EnumMap<PostureRule, RuleAction> rules = new EnumMap<>(PostureRule.class);
    for (PostureRule rule : PostureRule.values()) {
      rules.put(rule, posture.getOrDefault(rule, RuleAction.WARN));
    }
    posture = Map.copyOf(rules);
  }

  /** Latchkey's defaults: 60 s, 3 digits, 3 open, 10 per 10 min, 3 denials; rules warn. */
  public static PushPolicy defaults() {
    return new PushPolicy(
        Duration.ofSeconds(60),
        3,
        3,
        10,
        Duration.ofMinutes(10),
        3,
        Map.of(),
        new NetworkRule(RuleAction.WARN, 24, 64));
  }

  public PushPolicy withPosture(PostureRule rule, RuleAction action) {
    EnumMap<PostureRule, RuleAction> rules = new EnumMap<>(posture);
    rules.put(rule, action);
    return new PushPolicy(
        challengeTtl,
        numberDigits,
        maxOpenChallenges,
        maxChallengesPerWindow,
        window,
        denialsToBlock,
        rules,
        network);
  }

  public PushPolicy withNetwork(NetworkRule rule) {
    return new PushPolicy(
        challengeTtl,
        numberDigits,
        maxOpenChallenges,
        maxChallengesPerWindow,
        window,
        denialsToBlock,
        posture,
        rule);
  }
}
