package io.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies loopbackAndLan =
      TrustedProxies.of(List.of("127.0.0.1", "::1", "10.0.0.0/8", " "));

  @Test
  void nothingIsTrustedByDefault() {
    assertThat(TrustedProxies.of(List.of()).trusts("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.of(List.of("")).isEmpty()).isTrue();
    assertThat(TrustedProxies.NONE.clientAddress("127.0.0.1", List.of("203.0.113.9")))
        .isEqualTo("127.0.0.1");
  }

  @Test
  void addressesAndRanges() {
    assertThat(loopbackAndLan.trusts("127.0.0.1")).isTrue();
    assertThat(loopbackAndLan.trusts("127.0.0.2")).isFalse();
    assertThat(loopbackAndLan.trusts("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(loopbackAndLan.trusts("10.200.3.4")).isTrue();
    assertThat(loopbackAndLan.trusts("11.0.0.1")).isFalse();
    assertThat(loopbackAndLan.trusts("localhost")).isFalse();
    assertThat(TrustedProxies.of(List.of("fd00::/8")).trusts("fd12::1")).isTrue();
    assertThat(TrustedProxies.of(List.of("fd00::/8")).trusts("fe80::1")).isFalse();
    assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).trusts("198.51.100.4")).isTrue();
  }

  @Test
  void theClientIsTheFirstUntrustedHopFromTheEnd() {
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("203.0.113.9")))
        .isEqualTo("203.0.113.9");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("6.6.6.6, 203.0.113.9")))
        .isEqualTo("203.0.113.9");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("203.0.113.9", "10.1.1.1")))
        .isEqualTo("203.0.113.9");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("203.0.113.9, garbage")))
        .isEqualTo("127.0.0.1");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("10.1.1.1, 10.2.2.2")))
        .as("only trusted hops: the farthest one")
        .isEqualTo("10.1.1.1");
    assertThat(loopbackAndLan.clientAddress("127.0.0.1", List.of("[2001:db8::7]")))
        .isEqualTo("2001:db8::7");
    // An untrusted peer's header is not read at all.
    assertThat(loopbackAndLan.clientAddress("198.51.100.1", List.of("203.0.113.9")))
        .isEqualTo("198.51.100.1");
  }

  @Test
  void aSettingThatIsNotAnAddressStopsTheStart() {
    assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com")))
        .hasMessageContaining("'proxy.example.com' is not an IP address or a CIDR range");
    assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.of(List.of("1.2.3")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
