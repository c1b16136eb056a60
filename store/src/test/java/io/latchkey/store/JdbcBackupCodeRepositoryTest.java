package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.backupcode.BackupCode;
import io.latchkey.core.user.User;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcBackupCodeRepositoryTest extends StoreTest {
  private JdbcBackupCodeRepository codes;

  @BeforeEach
  void repository() {
    codes = new JdbcBackupCodeRepository(jdbc);
  }

  @Test
  void aNewSetReplacesTheOldOneEntirely() {
    User user = insertUser("alice");
    List<BackupCode> first = set(user, 3);
    codes.replaceAll(user.id(), first);
    List<BackupCode> second = set(user, 2);

    transactions.inTransaction(
        () -> {
          codes.replaceAll(user.id(), second);
          return null;
        });

    assertThat(codes.listByUser(user.id()))
        .extracting(BackupCode::id)
        .containsExactlyInAnyOrderElementsOf(second.stream().map(BackupCode::id).toList());
    assertThat(codes.markUsedIfUnused(first.get(0).id(), T0)).isFalse();
  }

  @Test
  void aCodeIsSpentOnceEvenWhenThirtyRequestsRace() throws Exception {
    User user = insertUser("bob");
    List<BackupCode> set = set(user, 10);
    codes.replaceAll(user.id(), set);
    UUID target = set.get(4).id();

    List<Boolean> results = race(30, () -> codes.markUsedIfUnused(target, T0.plusSeconds(5)));

    assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
    assertThat(codes.listByUser(user.id()))
        .filteredOn(BackupCode::used)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.id()).isEqualTo(target);
              assertThat(c.usedAt()).isEqualTo(T0.plusSeconds(5));
            });
  }

  @Test
  void codesBelongToTheirUserOnly() {
    User alice = insertUser("carol");
    User bob = insertUser("dave");
    codes.replaceAll(alice.id(), set(alice, 2));
    codes.replaceAll(bob.id(), set(bob, 3));

    assertThat(codes.deleteAllForUser(alice.id())).isEqualTo(2);

    assertThat(codes.listByUser(alice.id())).isEmpty();
    assertThat(codes.listByUser(bob.id())).hasSize(3);
  }

  private static List<BackupCode> set(User user, int count) {
    UUID setId = UUID.randomUUID();
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(
            i ->
                new BackupCode(
                    UUID.randomUUID(),
                    user.id(),
                    setId,
                    "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA" + i,
                    T0,
                    null))
        .toList();
  }
}
