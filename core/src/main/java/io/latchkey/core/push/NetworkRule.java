package io.latchkey.core.push;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Network consistency (PRODUCT 5): the browser and the device should come from the same network.
 * Two addresses match when they share the first {@code ipv4Prefix} (or {@code ipv6Prefix}) bits; an
 * IPv4 address never matches an IPv6 one unless it is IPv4-mapped.
 *
 * @param action off, warn or refuse
 * @param ipv4Prefix bits compared for IPv4, 0 to 32 (32: the same address)
 * @param ipv6Prefix bits compared for IPv6, 0 to 128
 */
public record NetworkRule(RuleAction action, int ipv4Prefix, int ipv6Prefix) {
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  public NetworkRule {
    if (ipv4Prefix < 0 || ipv4Prefix > 32 || ipv6Prefix < 0 || ipv6Prefix > 128) {
      throw new IllegalArgumentException("prefix lengths are 0-32 (IPv4) and 0-128 (IPv6)");
    }
  }

  /** Whether the two addresses count as one network; unparsable addresses never match. */
  public boolean sameNetwork(String a, String b) {
    Optional<byte[]> first = parse(a);
    Optional<byte[]> second = parse(b);
    if (first.isEmpty() || second.isEmpty() || first.get().length != second.get().length) {
      return false;
    }
    int bits = first.get().length == 4 ? ipv4Prefix : ipv6Prefix;
    byte[] x = first.get();
    byte[] y = second.get();
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((x[i / 8] & mask) != (y[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** A literal address only: never a host name (no DNS lookups from a policy check). */
  private static Optional<byte[]> parse(String address) {
    if (address == null || !LITERAL.matcher(address).matches()) {
      return Optional.empty();
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (bytes.length == 16 && isIpv4Mapped(bytes)) {
        return Optional.of(java.util.Arrays.copyOfRange(bytes, 12, 16));
      }
      return Optional.of(bytes);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
