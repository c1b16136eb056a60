package io.latchkey.core.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.testing.Fuzz;
import java.net.URI;
import java.time.Instant;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Hostile activation links (issue 13): what the app scans from a QR code or is pasted either parses
 * or is refused with the documented {@link IllegalArgumentException}, within a bound.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class ActivationUriFuzzTest {
  private static final String VALID =
      new ActivationUri(
              URI.create("https://mfa.example.com:8443/base"),
              "ABCD-EFGH-JKMN-PQRS",
              Instant.parse("2026-11-25T09:10:00Z"))
          .toUriString();

  @Property(tries = 2000)
  void mutatedLinksParseOrAreRefused(@ForAll Random random) {
    check(Fuzz.mutate(VALID, random));
  }

  @Property(tries = 1000)
  void randomQueriesParseOrAreRefused(@ForAll String query) {
    check(ActivationUri.PREFIX + query);
  }

  private static void check(String text) {
    Fuzz.within(
        () -> {
          try {
            ActivationUri read = ActivationUri.parse(text);
            assertThat(ActivationUri.parse(read.toUriString())).isEqualTo(read);
          } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
          }
        });
  }
}
