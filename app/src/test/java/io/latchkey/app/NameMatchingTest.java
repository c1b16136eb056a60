package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code code NAME} picks an account: exact, then any case, then a unique fragment. */
class NameMatchingTest {
  private static final String KEY = "DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B"; // 270176 at T
  private static final String OTHER_KEY = "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"; // 566657 at T

  @TempDir Path home;
  AppDriver app;

  @BeforeEach
  void twoAccountsThatShareAWord() {
    app = new AppDriver(home);
    app.ok("add", "otpauth://totp/Example:alice?secret=" + KEY);
    app.ok("add", "otpauth://totp/Example:alice.admin?secret=" + OTHER_KEY);
  }

  @Test
  void anExactNameWinsEvenWhenItIsAlsoAFragmentOfAnother() {
    assertThat(app.ok("code", "Example: alice")).isEqualTo("270176\n");
  }

  @Test
  void aNameInAnotherCaseFindsTheAccount() {
    assertThat(app.ok("code", "EXAMPLE: ALICE.ADMIN")).isEqualTo("566657\n");
  }

  @Test
  void aFragmentThatOnlyOneNameContainsFindsTheAccount() {
    assertThat(app.ok("code", "ADMIN")).isEqualTo("566657\n");
  }

  @Test
  void anAmbiguousFragmentIsRefusedNamingTheCandidates() {
    AppDriver.Result result = app.run("code", "alice");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "\"alice\" matches 2 accounts (\"Example: alice\", \"Example: alice.admin\"); give"
                + " more of the name.\n");
  }

  @Test
  void anUnknownNameIsRefused() {
    AppDriver.Result result = app.run("code", "bob");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("No account matches \"bob\"; the list command shows the names.\n");
  }

  @Test
  void aUriPastedAsANameIsNotEchoedBack() {
    AppDriver.Result result =
        app.run("code", "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&issuer=X");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).doesNotContain("JBSWY3DPEHPK3PXP");
  }

  @Test
  void aBlankNameIsRefused() {
    AppDriver.Result result = app.run("code", " ");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("Give the name of an account");
  }

  @Test
  void aNameStartingWithAnAtSignIsANameNotAFileOfArguments() {
    app.ok("add", "otpauth://totp/?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "--name", "@work");

    assertThat(app.ok("code", "@work")).matches("[0-9]{6}\n");
  }
}
