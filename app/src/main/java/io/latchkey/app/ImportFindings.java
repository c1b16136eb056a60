package io.latchkey.app;

import io.latchkey.core.otp.Secret;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the files of one import hold: the accounts that can be imported, the entries that cannot
 * (each named, with the reason: none is dropped silently), and warnings and notices for the user.
 * Nothing here has touched the vault yet.
 */
final class ImportFindings {
  /**
   * Entries read in one import, supported or not. Far above any real authenticator's (Aegis users
   * report a few hundred); stops a crafted file from making the app build millions of accounts.
   */
  static final int MAX_ENTRIES = 10_000;

  private final List<Candidate> candidates = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final Set<String> warnings = new LinkedHashSet<>();
  private final Set<String> notices = new LinkedHashSet<>();
  private int entries;

  /**
   * An entry that can be imported, unless its name holds a control character (which could forge
   * lines on the terminal; the otpauth parser refuses them too). A secret shorter than RFC 4226's
   * 128 bits is imported with a warning, as {@code add} does (INTEROP.md §1.2 rule 4).
   */
  void offer(Candidate candidate) {
    if (hasControl(candidate.issuer()) || hasControl(candidate.account())) {
      refuse(candidate.displayName(), candidate.source(), "its name contains a control character");
      return;
    }
    count();
    candidates.add(candidate);
    int bits = candidate.secret().length() * 8;
    if (candidate.secret().length() < Secret.MINIMUM_BYTES) {
      warn(
          shownName(candidate.displayName())
              + " has a secret of only "
              + bits
              + " bits; RFC 4226 requires at least 128 and recommends 160");
    }
  }

  /**
   * An entry that cannot be imported.
   *
   * @param name what the user knows the entry by ("Issuer: account"); may be empty
   * @param source where it came from
   * @param reason why, in words, e.g. "Steam codes are not supported"
   */
  void refuse(String name, String source, String reason) {
    count();
    refusals.add(shownName(name) + " from " + source + ": " + Messages.sentence(reason));
  }

  /** Something the user should act on, e.g. a missing part of an export. */
  void warn(String warning) {
    warnings.add(Messages.sentence(warning));
  }

  /** Something the user may want to know, e.g. that notes and icons are not kept. */
  void notice(String notice) {
    notices.add(Messages.sentence(notice));
  }

  List<Candidate> candidates() {
    return List.copyOf(candidates);
  }

  List<String> refusals() {
    return List.copyOf(refusals);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  List<String> notices() {
    return List.copyOf(notices);
  }

  /** {@code "Issuer: account"} in quotes, made safe for a terminal. */
  static String shownName(String name) {
    String shown = Messages.foreign(name);
    return shown.isEmpty() ? "An entry without a name" : "\"" + shown + "\"";
  }

  private static boolean hasControl(String text) {
    return text.codePoints().anyMatch(Character::isISOControl);
  }

  private void count() {
    if (++entries > MAX_ENTRIES) {
      throw new AppException(
          "The files hold more than "
              + MAX_ENTRIES
              + " entries, more than any real authenticator; nothing was imported.");
    }
  }
}
