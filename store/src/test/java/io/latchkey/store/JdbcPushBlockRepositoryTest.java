package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.push.PushBlock;
import io.latchkey.core.user.User;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcPushBlockRepositoryTest extends StoreTest {
  private JdbcPushBlockRepository blocks;
  private User alice;

  @BeforeEach
  void repository() {
    blocks = new JdbcPushBlockRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void aBlockReadsBackWithEveryField() {
    PushBlock block =
        new PushBlock(alice.id(), "3 denials in 10 minutes", T0, CorrelationId.random(RANDOM));

    assertThat(blocks.find(alice.id())).isEmpty();
    assertThat(blocks.block(block)).isTrue();

    assertThat(blocks.find(alice.id())).contains(block);
    assertThat(blocks.find(insertUser("bob").id())).isEmpty();
  }

  @Test
  void aBlockWithoutCauseReadsBack() {
    PushBlock block = new PushBlock(alice.id(), "paused by an administrator", T0, null);

    blocks.block(block);

    assertThat(blocks.find(alice.id())).contains(block);
  }

  @Test
  void blockingTwiceKeepsTheFirstBlock() {
    PushBlock first = new PushBlock(alice.id(), "fraud reported", T0, CorrelationId.random(RANDOM));

    assertThat(blocks.block(first)).isTrue();
    assertThat(
            blocks.block(
                new PushBlock(
                    alice.id(), "3 denials", T0.plusSeconds(5), CorrelationId.random(RANDOM))))
        .isFalse();

    assertThat(blocks.find(alice.id())).contains(first);
  }

  @Test
  void racingBlocksBlockExactlyOnce() throws Exception {
    AtomicInteger turn = new AtomicInteger();

    List<Boolean> results =
        race(
            20,
            () ->
                blocks.block(
                    new PushBlock(
                        alice.id(),
                        "denial " + turn.incrementAndGet(),
                        T0,
                        CorrelationId.random(RANDOM))));

    assertThat(results).containsOnlyOnce(true);
    assertThat(blocks.find(alice.id())).isPresent();
  }

  @Test
  void unblockLiftsABlockOnce() {
    blocks.block(new PushBlock(alice.id(), "fraud reported", T0, null));

    assertThat(blocks.unblock(alice.id())).isTrue();
    assertThat(blocks.unblock(alice.id())).isFalse();
    assertThat(blocks.find(alice.id())).isEmpty();
    assertThat(blocks.block(new PushBlock(alice.id(), "again", T0.plusSeconds(60), null)))
        .as("a lifted block can be set again")
        .isTrue();
  }

  @Test
  void aVeryLongReasonIsShortenedNotRefused() {
    assertThat(blocks.block(new PushBlock(alice.id(), "x".repeat(5000), T0, null))).isTrue();

    assertThat(blocks.find(alice.id()).orElseThrow().reason()).hasSize(1000);
  }

  @Test
  void aUserWhoDoesNotExistIsNotBlocked() {
    assertThat(blocks.block(new PushBlock(newUser("ghost").id(), "?", T0, null))).isFalse();
  }

  @Test
  void deletingTheUserDeletesTheBlock() {
    blocks.block(new PushBlock(alice.id(), "fraud reported", T0, null));

    jdbc.sql("DELETE FROM users WHERE id = :id").param("id", alice.id().value()).update();

    assertThat(blocks.find(alice.id())).isEmpty();
  }
}
