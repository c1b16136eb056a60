package io.latchkey.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.Test;

/**
 * Hostile CSV user imports (issue 13): random bytes and mutations of a valid file are either read
 * into rows or refused as a whole with {@code bad_request}; every row read then either passes the
 * checks {@link UserImport} makes or is refused by them with {@code bad_request}, within a bound.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class UserCsvFuzzTest {
  private static final String VALID =
      """
      username,display_name,admin,email
      alice,Alice Liddell,false,alice@example.com
      "bob","Bob ""the builder"", Jr.",yes,
      山田,山田 太郎,0,yamada@例え.jp
      """;

  @Property(tries = 2000)
  void mutatedFilesAreReadOrRefusedAsAWhole(@ForAll Random random) {
    check(Fuzz.mutateUtf8(VALID, random));
  }

  @Property(tries = 1000)
  void randomBytesAreReadOrRefusedAsAWhole(@ForAll byte[] bytes) {
    check(bytes);
  }

  @Property(tries = 1000)
  void randomTextUnderTheHeaderIsReadOrRefusedAsAWhole(@ForAll String body) {
    check((UserCsv.header() + "\n" + body).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Found by {@link #mutatedFilesAreReadOrRefusedAsAWhole}: a quoted display name kept a NUL or a
   * line break, which PostgreSQL refuses in text and which forges lines in the console.
   */
  @Test
  void aDisplayNameWithAControlCharacterIsRefused() {
    List<UserCsv.Row> rows =
        UserCsv.parse(
            "username,display_name\nalice,\"Alice\u0000\"\nbob,\"Bob\nadmin: yes\"\n"
                .getBytes(StandardCharsets.UTF_8));

    for (UserCsv.Row row : rows) {
      Username username = Username.of(row.username());
      assertThatThrownBy(() -> Accounts.displayName(row.displayName(), username))
          .isInstanceOfSatisfying(
              LatchkeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  private static void check(byte[] file) {
    Fuzz.within(
        () -> {
          List<UserCsv.Row> rows;
          try {
            rows = UserCsv.parse(file);
          } catch (LatchkeyException refused) {
            assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            return;
          }
          rows.forEach(UserCsvFuzzTest::checkRow);
        });
  }

  /** The checks of {@code UserImport.check}, each allowed to refuse with bad_request only. */
  private static void checkRow(UserCsv.Row row) {
    assertThat(UserImport.visible(row.username())).doesNotContain("\n", "\r", "\u0000");
    UserImport.admin(row.admin());
    try {
      Username username = Username.of(row.username());
      assertThat(Accounts.displayName(row.displayName(), username).codePoints())
          .noneMatch(Character::isISOControl);
      if (row.email() != null && !row.email().isBlank()) {
        EmailAddress.of(row.email());
      }
    } catch (LatchkeyException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }
  }
}
