package io.latchkey.app;

import io.latchkey.core.push.Decision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deny [CHALLENGE_ID] [--report]}: says no to a sign-in, and maybe that it was fraud. */
@Command(
    name = "deny",
    mixinStandardHelpOptions = true,
    description = {
      "Denies a waiting sign-in request.",
      "With --report it is also reported as suspicious: further requests are blocked and the"
          + " administrator is alerted."
    })
final class DenyCommand extends AnswerCommand {

  @Option(names = "--report", description = "Report the request as suspicious (not you).")
  boolean report;

  @Override
  Decision decision() {
    return report ? Decision.REPORT : Decision.DENY;
  }

  @Override
  String number(Challenge challenge) {
    return "";
  }
}
