package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.testing.Fuzz;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Hostile otpauth URIs (issue 13): random text and mutations of the interop cases either parse or
 * are refused with an {@link OtpUriException}, within a bound, and what parses writes back as a URI
 * that parses again.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class OtpAuthUriFuzzTest {
  private static final List<String> SEEDS =
      OtpauthUriCases.rows().stream().map(OtpauthUriCases.Row::uri).toList();

  @Property(tries = 2000)
  void mutatedUrisParseOrAreRefused(@ForAll("seeds") String seed, @ForAll Random random) {
    check(Fuzz.mutate(seed, random));
  }

  @Property(tries = 1000)
  void randomTextAfterTheSchemeParsesOrIsRefused(@ForAll String tail) {
    check("otpauth://" + tail);
  }

  @Property(tries = 300)
  void longRepeatsStayWithinTheBound(@ForAll("seeds") String seed, @ForAll Random random) {
    check(seed + "&issuer=" + "%3A".repeat(random.nextInt(3000)));
  }

  private static void check(String uri) {
    Fuzz.within(
        () -> {
          OtpAuthUri parsed;
          try {
            parsed = OtpAuthUri.parse(uri);
          } catch (OtpUriException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
          }
          assertThat(OtpAuthUri.parse(parsed.toUriString()).secret()).isEqualTo(parsed.secret());
        });
  }

  @Provide
  Arbitrary<String> seeds() {
    return Arbitraries.of(SEEDS);
  }
}
