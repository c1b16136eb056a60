package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong PINs delay exponentially: three free tries, then a wait that doubles from 1 s up to 15 min,
 * counted in a file beside the vault so that a new process does not start afresh, and measured on
 * the injected clock so these tests move time instead of sleeping.
 */
class PinDelayTest {
  private static final String PIN = "4711-correct";
  private static final String WRONG = "Could not unlock the vault: wrong PIN.\n";

  @TempDir Path home;
  private AppDriver app;
  private byte[] vault;

  @BeforeEach
  void aVaultWithAPin() throws Exception {
    app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    vault = app.vaultBytes();
  }

  private AppDriver.Result codesWith(String pin) {
    return app.pin(pin).run("code", "ACME");
  }

  private void advance(Duration by) {
    app.clock = Clock.offset(app.clock, by);
  }

  @Test
  void afterThreeFreeTriesEachWrongPinDoublesTheWait() throws Exception {
    for (int i = 0; i < PinAttempts.FREE_TRIES; i++) {
      assertThat(codesWith("0000").err()).isEqualTo(WRONG);
    }

    assertThat(codesWith("0000").err())
        .isEqualTo("Could not unlock the vault: wrong PIN. Try again in 1 s.\n");
    advance(Duration.ofSeconds(1));
    assertThat(codesWith("0000").err())
        .isEqualTo("Could not unlock the vault: wrong PIN. Try again in 2 s.\n");
    advance(Duration.ofSeconds(2));
    assertThat(codesWith("0000").err())
        .isEqualTo("Could not unlock the vault: wrong PIN. Try again in 4 s.\n");
    advance(Duration.ofSeconds(4));
    assertThat(codesWith("0000").err())
        .isEqualTo("Could not unlock the vault: wrong PIN. Try again in 8 s.\n");

    assertThat(app.vaultBytes()).isEqualTo(vault);
  }

  @Test
  void duringTheWaitEvenTheRightPinIsRefusedAtOnceWithoutBeingAskedFor() throws Exception {
    failUntilWaiting();
    advance(Duration.ofMillis(300));
    app.env.remove(PinSource.PIN_VARIABLE);
    List<String> questions = new ArrayList<>();
    app.prompt =
        question -> {
          questions.add(question);
          return PIN.toCharArray();
        };

    AppDriver.Result refused = app.run("code", "ACME");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).isEqualTo("Wrong PIN. Try again in 1 s.\n");
    assertThat(questions).isEmpty();
    assertThat(app.vaultBytes()).isEqualTo(vault);
  }

  @Test
  void theWaitSurvivesANewAppCommandOnTheSameHome() throws Exception {
    failUntilWaiting(); // four wrong PINs: the fourth starts a wait of 1 s
    advance(Duration.ofSeconds(1));
    assertThat(codesWith("0000").err()).endsWith("Try again in 2 s.\n");

    // Another process: a new driver, so a new AppCommand and nothing shared in memory.
    AppDriver later = new AppDriver(home).pin(PIN);
    later.clock = Clock.offset(app.clock, Duration.ofSeconds(1));
    AppDriver.Result refused = later.run("code", "ACME");

    assertThat(refused.err()).isEqualTo("Wrong PIN. Try again in 1 s.\n");
    Path counter = home.resolve(PinAttempts.NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(counter)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(counter)).contains("\"failures\":5").doesNotContain(PIN, "0000");
  }

  @Test
  void theRightPinAfterTheWaitOpensTheVaultAndStartsTheCountAgain() throws Exception {
    failUntilWaiting();
    advance(Duration.ofSeconds(1));

    assertThat(codesWith(PIN).out()).isEqualTo("566657\n");

    assertThat(home.resolve(PinAttempts.NAME)).doesNotExist();
    for (int i = 0; i < PinAttempts.FREE_TRIES; i++) {
      assertThat(codesWith("0000").err()).isEqualTo(WRONG);
    }
    assertThat(codesWith("0000").err()).endsWith("Try again in 1 s.\n");
  }

  @Test
  void noWrongPinAndNoWaitEverRewritesTheVault() throws Exception {
    for (int i = 0; i < 12; i++) {
      codesWith("0000");
      codesWith(PIN); // refused while waiting
      advance(PinAttempts.waitAfter(i + 1));
    }

    assertThat(app.vaultBytes()).isEqualTo(vault);
    assertThat(app.vaultText()).doesNotContain("ACME", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
  }

  @Test
  void theWaitDoublesFromOneSecondAndStopsAtFifteenMinutes() {
    assertThat(PinAttempts.waitAfter(0)).isZero();
    assertThat(PinAttempts.waitAfter(3)).isZero();
    assertThat(PinAttempts.waitAfter(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(PinAttempts.waitAfter(5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(PinAttempts.waitAfter(13)).isEqualTo(Duration.ofSeconds(512));
    assertThat(PinAttempts.waitAfter(14)).isEqualTo(Duration.ofMinutes(15));
    assertThat(PinAttempts.waitAfter(1000)).isEqualTo(Duration.ofMinutes(15));
    assertThat(PinAttempts.waitAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aClockSetBackRestartsTheWaitFromNowInsteadOfLengtheningIt() throws Exception {
    failUntilWaiting();
    app.clock = Clock.fixed(AppDriver.T.minus(Duration.ofDays(1)), ZoneOffset.UTC);

    assertThat(codesWith(PIN).err()).isEqualTo("Wrong PIN. Try again in 1 s.\n");
    advance(Duration.ofSeconds(1));
    AppDriver.Result opened = codesWith(PIN); // a day earlier, so another code
    assertThat(opened.err()).isEmpty();
    assertThat(opened.out()).matches("[0-9]{6}\n");
  }

  @Test
  void anUnreadableCounterFileCountsAsTheFreeTriesUsedUp() throws Exception {
    Files.writeString(home.resolve(PinAttempts.NAME), "{\"failures\": \"none\"");

    assertThat(codesWith("0000").err())
        .isEqualTo("Could not unlock the vault: wrong PIN. Try again in 1 s.\n");
  }

  @Test
  void aVaultWithoutAPinHasNoCounter() throws Exception {
    AppDriver plain = new AppDriver(home.resolve("plain"));
    plain.ok("add", Fixtures.U02);

    plain.pin("0000").run("code", "ACME");

    assertThat(plain.home.resolve(PinAttempts.NAME)).doesNotExist();
  }

  /** Three free wrong PINs and a fourth, which starts a wait of 1 s at {@code app.clock}. */
  private void failUntilWaiting() {
    Instant at = app.clock.instant();
    for (int i = 0; i <= PinAttempts.FREE_TRIES; i++) {
      codesWith("0000");
    }
    assertThat(app.clock.instant()).isEqualTo(at);
  }
}
