package io.latchkey.app;

import io.latchkey.core.push.Decision;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code approve [CHALLENGE_ID] [--number N]}: says yes to a sign-in, with its number. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approves a waiting sign-in request with the number the sign-in screen shows.",
      "Without --number the number is asked for."
    })
final class ApproveCommand extends AnswerCommand {
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,12}");

  @Option(
      names = "--number",
      paramLabel = "N",
      description = "The number shown on the sign-in screen.")
  String number;

  @Override
  Decision decision() {
    return Decision.APPROVE;
  }

  @Override
  void checkOptions() {
    if (number != null) {
      checked(number);
    }
  }

  @Override
  String number(Challenge challenge) {
    if (number != null) {
      return checked(number);
    }
    String where = challenge.isRegistrationTest() ? "your registration page" : "the sign-in screen";
    String typed =
        app()
            .prompt()
            .readLine(
                "Number shown on "
                    + where
                    + " ("
                    + challenge.requester()
                    + ", "
                    + challenge.username()
                    + "): ");
    if (typed == null) {
      throw new AppException(
          "The number is needed and there is no terminal to ask for it; give --number N, the"
              + " number "
              + where
              + " shows.");
    }
    return checked(typed);
  }

  private static String checked(String typed) {
    String digits = typed.strip();
    if (!DIGITS.matcher(digits).matches()) {
      throw new AppException(
          "The number must be digits only, as the sign-in screen shows it; nothing was sent.");
    }
    return digits;
  }
}
