package io.latchkey.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.FakePasswordHasher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** At most N password hashes at once; the next check is refused at once (issue 14). */
class BoundedPasswordHasherTest {
  private final FakePasswordHasher fake = new FakePasswordHasher();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch[] started = {new CountDownLatch(2)};

  /** A hasher whose checks hold their permit until the test releases them. */
  private final PasswordHasher held =
      new PasswordHasher() {
        @Override
        public String hash(CharSequence password) {
          return fake.hash(password);
        }

        @Override
        public boolean matches(CharSequence password, String storedHash) {
          started[0].countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return fake.matches(password, storedHash);
        }
      };

  @Test
  void whenEveryPermitIsTakenACheckIsRefusedAtOnceWithoutHashing() throws Exception {
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(held, 2);
    String stored = fake.hash("secret password");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Boolean>> holders = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        holders.add(pool.submit(() -> bounded.matches("secret password", stored)));
      }
      started[0].await();
      assertThat(bounded.running()).isEqualTo(2);

      // The holders cannot finish before release: this call returns only because it did not wait.
      assertThatThrownBy(() -> bounded.matches("secret password", stored))
          .isInstanceOfSatisfying(
              BoundedPasswordHasher.Busy.class,
              busy -> {
                assertThat(busy.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                assertThat(busy.retryAfterSeconds()).isEqualTo(1);
                assertThat(busy.permits()).isEqualTo(2);
              });
      assertThat(fake.comparedAgainst()).isEmpty();

      release.countDown();
      for (Future<Boolean> holder : holders) {
        assertThat(holder.get()).isTrue();
      }
      assertThat(bounded.running()).isZero();
      assertThat(bounded.matches("secret password", stored)).isTrue();
      assertThat(bounded.matches("wrong password", stored)).isFalse();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /**
   * One address holds at most half the permits: a spray from it cannot take the room the owner's
   * check from another address needs (the spray benchmark's first seconds refused the owner once).
   */
  @Test
  void oneAddressHoldsAtMostItsShareAndAnotherAddressFindsRoom() throws Exception {
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(held, 2);
    String stored = fake.hash("secret password");
    started[0] = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> spray =
          pool.submit(
              () ->
                  bounded.withPermit(
                      "203.0.113.7", () -> bounded.matches("secret password", stored)));
      started[0].await();
      assertThat(bounded.share()).isEqualTo(1);

      // The same address again: refused at once, although a permit is free.
      assertThatThrownBy(() -> bounded.withPermit("203.0.113.7", () -> true))
          .isInstanceOfSatisfying(
              BoundedPasswordHasher.Busy.class,
              busy -> assertThat(busy.getMessage()).contains("share=1"));
      assertThat(bounded.running()).isEqualTo(1);

      // Another address takes the free permit (its own check runs; it is not held).
      Future<Boolean> owner =
          pool.submit(() -> bounded.withPermit("198.51.100.20", () -> bounded.running() == 2));
      assertThat(owner.get()).isTrue();

      release.countDown();
      assertThat(spray.get()).isTrue();
      assertThat(bounded.running()).isZero();
      // The share is given back: the address may check again.
      assertThat(bounded.withPermit("203.0.113.7", () -> true)).isTrue();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingHashGivesItsPermitBack() {
    PasswordHasher broken =
        new PasswordHasher() {
          @Override
          public String hash(CharSequence password) {
            throw new IllegalStateException("broken");
          }

          @Override
          public boolean matches(CharSequence password, String storedHash) {
            throw new IllegalStateException("broken");
          }
        };
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(broken, 1);

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> bounded.matches("x", "y")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> bounded.hash("x")).isInstanceOf(IllegalStateException.class);
    }
    assertThat(bounded.running()).isZero();
  }

  @Test
  void atLeastOnePermit() {
    assertThatThrownBy(() -> new BoundedPasswordHasher(fake, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
