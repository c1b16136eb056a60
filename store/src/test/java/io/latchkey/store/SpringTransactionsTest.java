package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpringTransactionsTest extends StoreTest {
  private JdbcUserRepository users;

  @BeforeEach
  void repository() {
    users = new JdbcUserRepository(jdbc);
  }

  @Test
  void commitsWorkThatReturnsAndPassesItsResultOn() {
    String result =
        transactions.inTransaction(() -> users.insert(newUser("alice"), null) ? "ok" : "no");

    assertThat(result).isEqualTo("ok");
    assertThat(users.count()).isEqualTo(1);
  }

  @Test
  void rollsBackEverythingWhenTheWorkThrows() {
    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    () -> {
                      users.insert(newUser("alice"), null);
                      users.insert(newUser("bob"), null);
                      throw new IllegalStateException("audit write failed");
                    }))
        .hasMessage("audit write failed");

    assertThat(users.count()).isZero();
  }

  @Test
  void anInnerTransactionJoinsTheOuterOne() {
    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    () -> {
                      transactions.inTransaction(() -> users.insert(newUser("alice"), null));
                      throw new IllegalStateException("outer work failed");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(users.count()).as("the inner insert went with the outer rollback").isZero();
  }
}
