package io.latchkey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditQueryTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1",
    "500, 500",
    "1000, 1000",
    "0, 1000",
    "-5, 1000",
    "1001, 1000",
    "2147483647, 1000"
  })
  void aLimitOutsideOneToOneThousandMeansOneThousand(int asked, int used) {
    assertThat(new AuditQuery(null, null, null, null, null, null, asked).limit()).isEqualTo(used);
  }

  @Test
  void byCorrelationIdFiltersOnNothingElse() {
    CorrelationId id = CorrelationId.random(new SecureRandom());

    assertThat(AuditQuery.byCorrelationId(id))
        .isEqualTo(new AuditQuery(id, null, null, null, null, null, AuditQuery.MAX_LIMIT));
  }
}
