package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.Locale;

/**
 * A search of the users, as an administrator types it: a piece of the username or display name, a
 * status, and a page. Usernames are compared in their canonical form, so {@code ALICE} and
 * full-width {@code ａｌｉｃｅ} find {@code alice}; display names case-insensitively.
 *
 * @param text the piece to look for (prefix or substring); null finds everyone
 * @param status only users in this status; null for any
 * @param offset users to skip, for paging
 * @param limit at most this many
 */
public record UserSearch(String text, UserStatus status, int offset, int limit) {
  public static final int MAX_TEXT = 200;
  public static final int MAX_LIMIT = 1000;

  public UserSearch {
    if (text != null) {
      if (text.length() > MAX_TEXT) {
        throw new LatchkeyException(
            ErrorCode.BAD_REQUEST, "a search has at most " + MAX_TEXT + " characters");
      }
      text = text.strip();
      if (text.isEmpty()) {
        text = null;
      }
    }
    offset = Math.max(0, offset);
    limit = limit <= 0 || limit > MAX_LIMIT ? MAX_LIMIT : limit;
  }

  /** Everyone, one page. */
  public static UserSearch all(int offset, int limit) {
    return new UserSearch(null, null, offset, limit);
  }

  /** The text as a username would be stored (NFKC, case-folded); null when there is none. */
  public String usernamePart() {
    return text == null ? null : Username.canonical(text);
  }

  /** The text as display names are compared (lower case); null when there is none. */
  public String displayNamePart() {
    return text == null ? null : text.toLowerCase(Locale.ROOT);
  }

  /** Whether {@code user} is one this search finds (paging aside). */
  public boolean matches(User user) {
    if (status != null && user.status() != status) {
      return false;
    }
    return text == null
        || user.username().value().contains(usernamePart())
        || user.displayName().toLowerCase(Locale.ROOT).contains(displayNamePart());
  }

  /** Whether the username starts with the text: those come first in the answer. */
  public boolean prefixOf(User user) {
    return text != null && user.username().value().startsWith(usernamePart());
  }
}
