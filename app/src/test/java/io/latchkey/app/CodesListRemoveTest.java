package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodesListRemoveTest {

  @TempDir Path home;

  private AppDriver phoneWithThreeAccounts() {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);
    app.ok("add", Fixtures.U11);
    app.ok("add", Fixtures.U10);
    return app;
  }

  @Test
  void codesShowsEveryAccountWithItsCodeAndSecondsLeftInAlignedColumns() {
    AppDriver app = phoneWithThreeAccounts();

    // 1234567890 = 41152263 * 30 + 0, so 30 s are left; = 27434842 * 45 + 0, so 45 s.
    assertThat(app.ok("codes"))
        .isEqualTo(
            """
            NAME                         CODE     LEFT
            ACME Co: john.doe@email.com  566657   30s
            Seven: s7                    7339030  45s
            HOTP Co: grace               -        hotp
            HOTP codes are used one at a time: get the next with 'code NAME'.
            """);
  }

  @Test
  void secondsLeftCountDownWithTheClock() {
    AppDriver app = phoneWithThreeAccounts().at(1234567890 + 7);

    assertThat(app.ok("codes")).contains("ACME Co: john.doe@email.com  566657   23s");
  }

  @Test
  void codesDoesNotAdvanceAHotpCounter() {
    AppDriver app = phoneWithThreeAccounts();

    app.ok("codes");

    assertThat(app.ok("code", "grace")).isEqualTo("755224\n");
  }

  @Test
  void listShowsHowCodesAreMadeButNoKeyAndNoCode() {
    AppDriver app = phoneWithThreeAccounts();

    String list = app.ok("list");

    assertThat(list)
        .isEqualTo(
            """
            NAME                         TYPE  ALGORITHM  DIGITS  PERIOD/COUNTER
            ACME Co: john.doe@email.com  TOTP  SHA1       6       30s
            Seven: s7                    TOTP  SHA512     7       45s
            HOTP Co: grace               HOTP  SHA1       6       counter 0
            """);
    assertThat(list)
        .doesNotContain("566657", "7339030", "755224", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
  }

  @Test
  void removeDeletesOnlyTheNamedAccount() {
    AppDriver app = phoneWithThreeAccounts();

    assertThat(app.ok("remove", "seven: S7")).isEqualTo("Removed \"Seven: s7\".\n");

    assertThat(app.ok("list")).doesNotContain("Seven").contains("ACME Co", "HOTP Co");
    assertThat(app.run("code", "s7").exit()).isEqualTo(1);
  }

  @Test
  void removeNeedsTheWholeNameSoAFragmentCannotDeleteAKey() throws Exception {
    AppDriver app = phoneWithThreeAccounts();
    byte[] before = app.vaultBytes();

    AppDriver.Result result = app.run("remove", "Seven");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("No account is named exactly \"Seven\"; give the whole name, \"Seven: s7\".\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void anEmptyPhoneSaysHowToAddAnAccount() {
    AppDriver app = new AppDriver(home);

    assertThat(app.ok("codes")).isEqualTo("No accounts yet; add one with the add command.\n");
    assertThat(app.ok("list")).isEqualTo("No accounts yet; add one with the add command.\n");
    assertThat(app.vaultFile()).doesNotExist();
  }
}
