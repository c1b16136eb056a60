package io.latchkey.core.user;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An administrator creates many users from one CSV file ({@link UserCsv}). The file is read and
 * every row checked before the first user is created: a malformed file creates nothing. Then each
 * good row becomes a user through {@link Accounts#create} (audited with the acting administrator,
 * like a user created alone) and each row gets its own answer: created, already exists, or refused
 * with the reason. Imported users have no password: they register through a one-time registration
 * link. A row that was created stays created if a later one fails, so importing the same file again
 * answers "already exists" for the rows done before.
 */
public final class UserImport {
  private final Accounts accounts;
  private final AuditLog audit;
  private final Clock clock;

  public UserImport(Accounts accounts, AuditLog audit, Clock clock) {
    this.accounts = accounts;
    this.audit = audit;
    this.clock = clock;
  }

  /** What became of a row. */
  public enum Outcome {
    CREATED,
    EXISTS,
    REFUSED;

    /** As the API and the pages name it: {@code created}, {@code exists}, {@code refused}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The answer for one row.
   *
   * @param line the file's line of the row (the header is line 1)
   * @param username the canonical username, or what the row held when that is no username (control
   *     and format characters made spaces, at most 100 characters)
   * @param reason for a refusal, a stable word: {@code invalid_username}, {@code
   *     duplicate_in_file}, {@code invalid_admin}, {@code invalid_display_name}, or an error code;
   *     null otherwise
   * @param detail for a refusal, the reason in plain words; null otherwise
   */
  public record Result(int line, String username, Outcome outcome, String reason, String detail) {}

  /** Every row's answer, in the file's order. */
  public record Report(List<Result> rows) {
    public Report {
      rows = List.copyOf(rows);
    }

    public long count(Outcome outcome) {
      return rows.stream().filter(r -> r.outcome() == outcome).count();
    }
  }

  /**
   * Imports the users of a CSV file.
   *
   * @throws LatchkeyException {@code bad_request} when the file is malformed (nothing is created)
   */
  public Report importCsv(byte[] file, RequestContext context) {
    List<UserCsv.Row> rows;
    try {
      rows = UserCsv.parse(file);
    } catch (LatchkeyException malformed) {
      audit.record(
          AuditEvent.of(AuditEventType.USERS_IMPORTED, context, clock.instant())
              .failure(malformed.code().code())
              .detail("CSV import by " + context.actor() + " refused: " + malformed.detail())
              .build());
      throw malformed;
    }
    Result[] results = new Result[rows.size()];
    List<Integer> accepted = new ArrayList<>();
    Map<Username, Integer> lines = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      UserCsv.Row row = rows.get(i);
      Candidate candidate;
      try {
        candidate = check(row, lines);
      } catch (Refused refused) {
        results[i] =
            new Result(
                row.line(), refused.username, Outcome.REFUSED, refused.reason, refused.detail);
        continue;
      }
      accepted.add(i);
      candidates.add(candidate);
    }
    for (int k = 0; k < candidates.size(); k++) {
      results[accepted.get(k)] = create(candidates.get(k), context);
    }
    Report report = new Report(List.of(results));
    audit.record(
        AuditEvent.of(AuditEventType.USERS_IMPORTED, context, clock.instant())
            .detail(
                "CSV import by "
                    + context.actor()
                    + ": "
                    + rows.size()
                    + " row(s), "
                    + report.count(Outcome.CREATED)
                    + " created, "
                    + report.count(Outcome.EXISTS)
                    + " already existed, "
                    + report.count(Outcome.REFUSED)
                    + " refused")
            .build());
    return report;
  }

  private record Candidate(
      int line, Username username, String displayName, boolean admin, String email) {}

  /** A row that will not become a user, and why. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final String username;
    private final String reason;
    private final String detail;

    Refused(String username, String reason, String detail) {
      super(detail, null, false, false);
      this.username = username;
      this.reason = reason;
      this.detail = detail;
    }
  }

  private static Candidate check(UserCsv.Row row, Map<Username, Integer> lines) throws Refused {
    Username username;
    try {
      username = Username.of(row.username());
    } catch (LatchkeyException e) {
      throw new Refused(visible(row.username()), "invalid_username", e.detail());
    }
    Integer earlier = lines.putIfAbsent(username, row.line());
    if (earlier != null) {
      throw new Refused(
          username.value(),
          "duplicate_in_file",
          "the same username is on line " + earlier + " (usernames ignore case and width)");
    }
    Boolean admin = admin(row.admin());
    if (admin == null) {
      throw new Refused(
          username.value(), "invalid_admin", "admin is true or false (or yes/no, 1/0, empty)");
    }
    String displayName;
    try {
      displayName = Accounts.displayName(row.displayName(), username);
    } catch (LatchkeyException e) {
      throw new Refused(username.value(), "invalid_display_name", e.detail());
    }
    String email = row.email() == null || row.email().isBlank() ? null : row.email();
    if (email != null) {
      try {
        email = EmailAddress.of(email).value();
      } catch (LatchkeyException e) {
        throw new Refused(username.value(), "invalid_email", e.detail());
      }
    }
    return new Candidate(row.line(), username, displayName, admin, email);
  }

  private Result create(Candidate candidate, RequestContext context) {
    String name = candidate.username().value();
    try {
      accounts.create(
          name, candidate.displayName(), null, candidate.admin(), candidate.email(), context);
      return new Result(candidate.line(), name, Outcome.CREATED, null, null);
    } catch (LatchkeyException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        return new Result(candidate.line(), name, Outcome.EXISTS, null, null);
      }
      return new Result(candidate.line(), name, Outcome.REFUSED, e.code().code(), e.detail());
    }
  }

  /** true, false, or null when the cell is neither. An empty cell (or no column) is false. */
  static Boolean admin(String cell) {
    String value = cell == null ? "" : cell.strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "false", "no", "0" -> false;
      case "true", "yes", "1" -> true;
      default -> null;
    };
  }

  /** What a row held, safe to show anywhere: no control or format characters, bounded. */
  static String visible(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(100)
        .forEach(
            cp -> {
              int type = Character.getType(cp);
              boolean hidden =
                  Character.isISOControl(cp)
                      || type == Character.FORMAT
                      || type == Character.LINE_SEPARATOR
                      || type == Character.PARAGRAPH_SEPARATOR
                      || type == Character.SURROGATE;
              out.appendCodePoint(hidden ? ' ' : cp);
            });
    return out.toString();
  }
}
