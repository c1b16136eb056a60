package io.latchkey.server.config;

import io.latchkey.core.push.NetworkRule;
import io.latchkey.core.push.PostureRule;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.push.RuleAction;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Push approval settings ({@code latchkey.push.*}, or {@code LATCHKEY_PUSH_*}), each in the
 * README's configuration table.
 *
 * @param publicUrl the URL devices use to reach this server (written into activation QR codes);
 *     empty: the URL the browser used
 * @param challengeTtl how long a sign-in request stays open, at most 10 min
 * @param numberDigits digits of the number shown on the sign-in screen, 2 to 6
 * @param maxOpenChallenges open requests a user may have at once
 * @param maxChallengesPerWindow requests a user may be sent per window
 * @param window the window of that limit and of counting denials
 * @param denialsToBlock denials within the window that pause pushes for the user
 * @param requireEncryptedStorage off, warn or refuse a device whose storage is not encrypted
 * @param refuseRooted off, warn or refuse a device that runs as root
 * @param requireNotifications off, warn or refuse a device without notifications
 * @param networkRule off, warn or refuse when browser and device come from different networks
 * @param networkIpv4Prefix IPv4 bits that must match (32: the same address)
 * @param networkIpv6Prefix IPv6 bits that must match
 */
@ConfigurationProperties("latchkey.push")
public record PushProperties(
    @DefaultValue("") String publicUrl,
    @DefaultValue("60s") Duration challengeTtl,
    @DefaultValue("3") int numberDigits,
    @DefaultValue("3") int maxOpenChallenges,
    @DefaultValue("10") int maxChallengesPerWindow,
    @DefaultValue("10m") Duration window,
    @DefaultValue("3") int denialsToBlock,
    @DefaultValue("warn") RuleAction requireEncryptedStorage,
    @DefaultValue("warn") RuleAction refuseRooted,
    @DefaultValue("warn") RuleAction requireNotifications,
    @DefaultValue("warn") RuleAction networkRule,
    @DefaultValue("24") int networkIpv4Prefix,
    @DefaultValue("64") int networkIpv6Prefix) {

  public PushProperties {
    publicUrl = publicUrl == null ? "" : publicUrl.strip();
    if (!publicUrl.isBlank()) {
      URI uri = URI.create(publicUrl);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("latchkey.push.public-url must be an absolute URL");
      }
    }
    // Fails start-up with the rule's own sentence when a value is out of range.
    policy(
        challengeTtl,
        numberDigits,
        maxOpenChallenges,
        maxChallengesPerWindow,
        window,
        denialsToBlock,
        requireEncryptedStorage,
        refuseRooted,
        requireNotifications,
        networkRule,
        networkIpv4Prefix,
        networkIpv6Prefix);
  }

  public PushPolicy policy() {
    return policy(
        challengeTtl,
        numberDigits,
        maxOpenChallenges,
        maxChallengesPerWindow,
        window,
        denialsToBlock,
        requireEncryptedStorage,
        refuseRooted,
        requireNotifications,
        networkRule,
        networkIpv4Prefix,
        networkIpv6Prefix);
  }

  private static PushPolicy policy(
      Duration challengeTtl,
      int numberDigits,
      int maxOpenChallenges,
      int maxChallengesPerWindow,
      Duration window,
      int denialsToBlock,
      RuleAction requireEncryptedStorage,
      RuleAction refuseRooted,
      RuleAction requireNotifications,
      RuleAction networkRule,
      int networkIpv4Prefix,
      int networkIpv6Prefix) {
    return new PushPolicy(
        challengeTtl,
        numberDigits,
        maxOpenChallenges,
        maxChallengesPerWindow,
        window,
        denialsToBlock,
        Map.of(
            PostureRule.STORAGE_ENCRYPTED, requireEncryptedStorage,
            PostureRule.NOT_ROOTED, refuseRooted,
            PostureRule.NOTIFICATIONS_ENABLED, requireNotifications),
        new NetworkRule(networkRule, networkIpv4Prefix, networkIpv6Prefix));
  }
}
