package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.InMemoryUserRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The search's contract, through the repository's default (every store must answer the same). */
class UserSearchTest {
  private final InMemoryUserRepository users = new InMemoryUserRepository();

  @BeforeEach
  void someUsers() {
    users.add("malice", CoreFixture.START);
    users.add("alice", CoreFixture.START);
    users.add("bob", UserStatus.BLOCKED, CoreFixture.START);
    users.add("alfred", UserStatus.BLOCKED, CoreFixture.START);
  }

  @Test
  void namesThatStartWithTheTextComeFirstThenTheOthersContainingIt() {
    assertThat(names(new UserSearch("ali", null, 0, 10))).containsExactly("alice", "malice");
    assertThat(users.count(new UserSearch("ali", null, 0, 10))).isEqualTo(2);
  }

  @Test
  void theTextIsCanonicalisedLikeAUsername() {
    assertThat(names(new UserSearch("  ＡＬＩＣＥ ", null, 0, 10))).containsExactly("alice", "malice");
  }

  @Test
  void statusAndPagingNarrowTheAnswerButNotTheCount() {
    UserSearch blocked = new UserSearch(null, UserStatus.BLOCKED, 1, 1);

    assertThat(names(blocked)).containsExactly("bob");
    assertThat(users.count(blocked)).isEqualTo(2);
    assertThat(names(new UserSearch("al", UserStatus.BLOCKED, 0, 10))).containsExactly("alfred");
  }

  @Test
  void blankTextFindsEveryoneAndLongTextIsRefused() {
    assertThat(new UserSearch("   ", null, 0, 10).text()).isNull();
    assertThat(names(UserSearch.all(0, 10))).containsExactly("alfred", "alice", "bob", "malice");
    assertRefused(() -> new UserSearch("a".repeat(201), null, 0, 10), ErrorCode.BAD_REQUEST);
  }

  private java.util.List<String> names(UserSearch search) {
    return users.search(search).stream().map(u -> u.username().value()).toList();
  }
}
