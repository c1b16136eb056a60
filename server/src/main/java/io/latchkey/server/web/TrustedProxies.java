package io.latchkey.server.web;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed
 * ({@code latchkey.trusted-proxies}: addresses or CIDR ranges, none by default). Anyone else's
 * forwarded headers are ignored: a client cannot pick the address it is throttled, audited and
 * network-checked under, nor make a plain-HTTP connection look like TLS.
 *
 * <p>Only IP literals are accepted, in the setting and in the headers; nothing is ever looked up in
 * DNS.
 */
public final class TrustedProxies {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  /**
   * @param entries addresses ({@code 10.0.0.5}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8},
   *     {@code fd00::/8}); blank entries are ignored
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedProxies of(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String raw : entries == null ? List.<String>of() : entries) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      ranges.add(
          Range.parse(entry)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "latchkey.trusted-proxies: '"
                              + entry
                              + "' is not an IP address or a CIDR range (such as 10.0.0.0/8)")));
    }
    return new TrustedProxies(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is one of the trusted proxies. */
  public boolean trusts(String address) {
    Optional<InetAddress> parsed = literal(address);
    return parsed.isPresent() && ranges.stream().anyMatch(r -> r.contains(parsed.get()));
  }

  /**
   * The client's address for a connection from {@code peer} that carried {@code forwardedFor} (the
   * {@code X-Forwarded-For} values in order, each possibly a comma-separated list). The peer is the
   * client unless it is trusted; then the list is read from its end (the entry the nearest proxy
   * added) towards its start, skipping trusted proxies: the first entry that is not a trusted proxy
   * is the client. An entry that is not an IP literal stops the walk at the hop that added it, so a
   * forged or garbled entry can only name a proxy, never an address of the sender's choosing.
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (!trusts(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.strip());
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        return client;
      }
      client = canonical(hops.get(i));
      if (!trusts(client)) {
        return client;
      }
    }
    return client;
  }

  /** The address as the server reports it elsewhere (IPv6 without brackets). */
  private static String canonical(String literal) {
    return literal.startsWith("[") && literal.endsWith("]")
        ? literal.substring(1, literal.length() - 1)
        : literal;
  }

  /** An IP literal, parsed without DNS; empty for anything else. */
  static Optional<InetAddress> literal(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String candidate = canonical(text.strip());
    boolean v4 = IPV4.matcher(candidate).matches();
    boolean v6 = !v4 && candidate.contains(":") && IPV6.matcher(candidate).matches();
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      // A literal (checked above) is parsed, never resolved.
      return Optional.of(InetAddress.getByName(candidate));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private record Range(byte[] network, int prefix) {
    static Optional<Range> parse(String entry) {
      int slash = entry.indexOf('/');
      String address = slash < 0 ? entry : entry.substring(0, slash);
      Optional<InetAddress> parsed = literal(address);
      if (parsed.isEmpty()) {
        return Optional.empty();
      }
      int bits = parsed.get().getAddress().length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String length = entry.substring(slash + 1);
        if (!length.matches("\\d{1,3}")) {
          return Optional.empty();
        }
        prefix = Integer.parseInt(length);
        if (prefix > bits) {
          return Optional.empty();
        }
      }
      return Optional.of(new Range(parsed.get().getAddress(), prefix));
    }

    boolean contains(InetAddress address) {
      byte[] candidate = address.getAddress();
      if (candidate.length != network.length) {
        return false;
      }
      int bits = network.length * 8;
      if (prefix == 0) {
        return true;
      }
      BigInteger mask =
          BigInteger.ONE
              .shiftLeft(bits)
              .subtract(BigInteger.ONE)
              .shiftRight(bits - prefix)
              .shiftLeft(bits - prefix);
      return new BigInteger(1, candidate).and(mask).equals(new BigInteger(1, network).and(mask));
    }
  }
}
