package io.latchkey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.testing.Fuzz;
import java.security.SecureRandom;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Hostile correlation IDs (issue 13): whatever a person pastes or a client sends in the header,
 * {@link CorrelationId#parse} answers with an ID in the canonical form or with nothing, never with
 * an exception.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class CorrelationIdFuzzTest {
  private static final String VALID = CorrelationId.random(new SecureRandom()).value();

  @Property(tries = 2000)
  void mutatedIdsParseToTheCanonicalFormOrToNothing(@ForAll Random random) {
    check(Fuzz.mutate(VALID, random));
  }

  @Property(tries = 1000)
  void randomTextParsesToTheCanonicalFormOrToNothing(@ForAll String text) {
    check(text);
  }

  private static void check(String text) {
    Fuzz.within(
        () ->
            CorrelationId.parse(text)
                .ifPresent(
                    id ->
                        assertThat(id.value())
                            .matches("[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}")));
  }
}
