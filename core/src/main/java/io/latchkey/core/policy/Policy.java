package io.latchkey.core.policy;

import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.push.NetworkRule;
import io.latchkey.core.push.PostureRule;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.push.RuleAction;
import io.latchkey.core.verification.LockoutPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything an administrator can change while the server runs: one immutable value, checked whole
 * in its constructor. Each component is one or more {@link PolicyKey}s; {@link #settings} and
 * {@link #with} translate between the two.
 *
 * @param registrationStepDeadline how long each registration step may take
 * @param driftWindow TOTP steps accepted either side of the server's current step
 * @param lockoutThreshold consecutive failed attempts that block the user
 * @param allowedMethods the kinds users may register (at least one of TOTP and PUSH)
 * @param push the push rules: posture, network, challenge lifetime, number digits, limits
 * @param autoBlock the automatic blocking rules beyond the lockout threshold
 * @param passwordAfterReset whether, after a reset of the user's methods or an enable, the password
 *     alone may register the first new authenticator (else only a registration link may)
 */
public record Policy(
    Duration registrationStepDeadline,
    int driftWindow,
    int lockoutThreshold,
    Set<MethodKind> allowedMethods,
    PushPolicy push,
    AutoBlockRules autoBlock,
    boolean passwordAfterReset) {

  /** The policy with the safe default for {@link PolicyKey#REGISTRATION_PASSWORD_AFTER_RESET}. */
  public Policy(
      Duration registrationStepDeadline,
      int driftWindow,
      int lockoutThreshold,
      Set<MethodKind> allowedMethods,
      PushPolicy push,
      AutoBlockRules autoBlock) {
    this(
        registrationStepDeadline,
        driftWindow,
        lockoutThreshold,
        allowedMethods,
        push,
        autoBlock,
        false);
  }

  public Policy {
    PolicyKey.REGISTRATION_STEP_DEADLINE.checkDuration(registrationStepDeadline);
    PolicyKey.TOTP_DRIFT_WINDOW.checkInteger(driftWindow);
    PolicyKey.LOCKOUT_THRESHOLD.checkInteger(lockoutThreshold);
    if (allowedMethods == null
        || allowedMethods.isEmpty()
        || !PolicyKey.REGISTERABLE.containsAll(allowedMethods)) {
      throw PolicyKey.ALLOWED_METHODS.invalid(
          allowedMethods == null ? "" : allowedMethods.toString());
    }
    allowedMethods = Set.copyOf(allowedMethods);
    Objects.requireNonNull(push, "push");
    PolicyKey.PUSH_CHALLENGE_TTL.checkDuration(push.challengeTtl());
    PolicyKey.PUSH_NUMBER_DIGITS.checkInteger(push.numberDigits());
    PolicyKey.PUSH_MAX_OPEN.checkInteger(push.maxOpenChallenges());
    PolicyKey.PUSH_MAX_PER_WINDOW.checkInteger(push.maxChallengesPerWindow());
    PolicyKey.PUSH_WINDOW.checkDuration(push.window());
    PolicyKey.PUSH_DENIALS_TO_PAUSE.checkInteger(push.denialsToBlock());
    PolicyKey.PUSH_NETWORK_IPV4_PREFIX.checkInteger(push.network().ipv4Prefix());
    PolicyKey.PUSH_NETWORK_IPV6_PREFIX.checkInteger(push.network().ipv6Prefix());
    Objects.requireNonNull(autoBlock, "autoBlock");
  }

  public boolean allows(MethodKind kind) {
    return allowedMethods.contains(kind);
  }

  /** The registration rules the wizard services read (the issuer is configuration). */
  public RegistrationPolicy registration(String issuer) {
    return new RegistrationPolicy(
        registrationStepDeadline, OtpParameters.TOTP_DEFAULT, issuer, allowedMethods);
  }

  public LockoutPolicy lockout() {
    return new LockoutPolicy(lockoutThreshold);
  }

  /** Every setting as canonical text, in {@link PolicyKey} order. */
  public Map<PolicyKey, String> settings() {
    Map<PolicyKey, String> out = new LinkedHashMap<>();
    for (PolicyKey key : PolicyKey.values()) {
      out.put(key, text(key));
    }
    return out;
  }

  /** One setting as canonical text. */
  public String text(PolicyKey key) {
    return switch (key) {
      case REGISTRATION_STEP_DEADLINE -> PolicyKey.duration(registrationStepDeadline);
      case TOTP_DRIFT_WINDOW -> Integer.toString(driftWindow);
      case LOCKOUT_THRESHOLD -> Integer.toString(lockoutThreshold);
      case ALLOWED_METHODS -> PolicyKey.methods(allowedMethods);
      case PUSH_CHALLENGE_TTL -> PolicyKey.duration(push.challengeTtl());
      case PUSH_NUMBER_DIGITS -> Integer.toString(push.numberDigits());
      case PUSH_MAX_OPEN -> Integer.toString(push.maxOpenChallenges());
      case PUSH_MAX_PER_WINDOW -> Integer.toString(push.maxChallengesPerWindow());
      case PUSH_WINDOW -> PolicyKey.duration(push.window());
      case PUSH_DENIALS_TO_PAUSE -> Integer.toString(push.denialsToBlock());
      case PUSH_POSTURE_STORAGE_ENCRYPTED ->
          action(push.posture().get(PostureRule.STORAGE_ENCRYPTED));
      case PUSH_POSTURE_NOT_ROOTED -> action(push.posture().get(PostureRule.NOT_ROOTED));
      case PUSH_POSTURE_NOTIFICATIONS_ENABLED ->
          action(push.posture().get(PostureRule.NOTIFICATIONS_ENABLED));
      case PUSH_NETWORK_RULE -> action(push.network().action());
      case PUSH_NETWORK_IPV4_PREFIX -> Integer.toString(push.network().ipv4Prefix());
      case PUSH_NETWORK_IPV6_PREFIX -> Integer.toString(push.network().ipv6Prefix());
      case AUTOBLOCK_PUSH_REFUSALS_MAX -> Integer.toString(autoBlock.pushRefusalsMax());
      case AUTOBLOCK_PUSH_REFUSALS_WINDOW -> PolicyKey.duration(autoBlock.pushRefusalsWindow());
      case AUTOBLOCK_REGISTRATIONS_MAX -> Integer.toString(autoBlock.registrationsMax());
      case AUTOBLOCK_REGISTRATIONS_WINDOW -> PolicyKey.duration(autoBlock.registrationsWindow());
      case REGISTRATION_PASSWORD_AFTER_RESET -> Boolean.toString(passwordAfterReset);
    };
  }

  /**
   * This policy with some settings changed, each given by its key name and typed text.
   *
   * @throws LatchkeyException {@code bad_request} naming an unknown key, or a key and its range
   */
  public Policy with(Map<String, String> changes) {
    Map<PolicyKey, String> values = settings();
    for (Map.Entry<String, String> change : changes.entrySet()) {
      PolicyKey key = PolicyKey.require(change.getKey());
      values.put(key, key.parse(change.getValue()));
    }
    return of(values);
  }

  /** The policy these settings describe; each value canonical text (see {@link #settings}). */
  public static Policy of(Map<PolicyKey, String> values) {
    for (PolicyKey key : PolicyKey.values()) {
      if (!values.containsKey(key)) {
        throw new LatchkeyException(ErrorCode.BAD_REQUEST, "'" + key.key() + "' is missing");
      }
    }
    Set<MethodKind> methods =
        EnumSet.copyOf(
            PolicyKey.ALLOWED_METHODS.parseMethods(values.get(PolicyKey.ALLOWED_METHODS)));
    PushPolicy push =
        new PushPolicy(
            duration(values, PolicyKey.PUSH_CHALLENGE_TTL),
            integer(values, PolicyKey.PUSH_NUMBER_DIGITS),
            integer(values, PolicyKey.PUSH_MAX_OPEN),
            integer(values, PolicyKey.PUSH_MAX_PER_WINDOW),
            duration(values, PolicyKey.PUSH_WINDOW),
            integer(values, PolicyKey.PUSH_DENIALS_TO_PAUSE),
            Map.of(
                PostureRule.STORAGE_ENCRYPTED,
                action(values, PolicyKey.PUSH_POSTURE_STORAGE_ENCRYPTED),
                PostureRule.NOT_ROOTED,
                action(values, PolicyKey.PUSH_POSTURE_NOT_ROOTED),
                PostureRule.NOTIFICATIONS_ENABLED,
                action(values, PolicyKey.PUSH_POSTURE_NOTIFICATIONS_ENABLED)),
            new NetworkRule(
                action(values, PolicyKey.PUSH_NETWORK_RULE),
                integer(values, PolicyKey.PUSH_NETWORK_IPV4_PREFIX),
                integer(values, PolicyKey.PUSH_NETWORK_IPV6_PREFIX)));
    return new Policy(
        duration(values, PolicyKey.REGISTRATION_STEP_DEADLINE),
        integer(values, PolicyKey.TOTP_DRIFT_WINDOW),
        integer(values, PolicyKey.LOCKOUT_THRESHOLD),
        methods,
        push,
        new AutoBlockRules(
            integer(values, PolicyKey.AUTOBLOCK_PUSH_REFUSALS_MAX),
            duration(values, PolicyKey.AUTOBLOCK_PUSH_REFUSALS_WINDOW),
            integer(values, PolicyKey.AUTOBLOCK_REGISTRATIONS_MAX),
            duration(values, PolicyKey.AUTOBLOCK_REGISTRATIONS_WINDOW)),
        PolicyKey.REGISTRATION_PASSWORD_AFTER_RESET.parseBoolean(
            values.get(PolicyKey.REGISTRATION_PASSWORD_AFTER_RESET)));
  }

  /** What differs from {@code before} to this policy, key by key, in key order. */
  public List<PolicyChange> changesFrom(Policy before) {
    List<PolicyChange> changes = new ArrayList<>();
    Map<PolicyKey, String> old = before.settings();
    for (Map.Entry<PolicyKey, String> now : settings().entrySet()) {
      if (!now.getValue().equals(old.get(now.getKey()))) {
        changes.add(new PolicyChange(now.getKey().key(), old.get(now.getKey()), now.getValue()));
      }
    }
    return changes;
  }

  private static int integer(Map<PolicyKey, String> values, PolicyKey key) {
    return (int) key.parseInteger(values.get(key));
  }

  private static Duration duration(Map<PolicyKey, String> values, PolicyKey key) {
    return key.parseDuration(values.get(key));
  }

  private static RuleAction action(Map<PolicyKey, String> values, PolicyKey key) {
    return key.parseAction(values.get(key));
  }

  private static String action(RuleAction action) {
    return action.name().toLowerCase(Locale.ROOT);
  }
}
