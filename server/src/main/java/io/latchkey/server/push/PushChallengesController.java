package io.latchkey.server.push;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.ChallengeState;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import io.latchkey.server.api.JsonFields;
import io.latchkey.server.security.ApiClient;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Relying applications send a push sign-in request and read its outcome (docs/PUSH-PROTOCOL.md §4).
 * The number in the answer to the creation is for the application's sign-in screen only.
 */
@RestController
@Tag(name = "push")
public class PushChallengesController {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int MAX_WAIT_SECONDS = 30;

  private final ChallengeService challenges;
  private final UserRepository users;
  private final Clock clock;

  public PushChallengesController(ChallengeService challenges, UserRepository users, Clock clock) {
    this.challenges = challenges;
    this.users = users;
    this.clock = clock;
  }

  @Operation(
      summary = "Send a push sign-in request to the user's devices",
      description =
          "Body {\"username\", \"application\"?, \"ip\"?}. 201 with the challenge ID and the number"
              + " to show on the sign-in screen. Errors: not_found, not_enrolled, push_blocked,"
              + " rate_limited, user_blocked, user_disabled, bad_request.")
  @PostMapping(
      path = "/api/v1/push/challenges",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> create(
      @RequestBody JsonNode body,
      @AuthenticationPrincipal ApiClient client,
      HttpServletRequest request) {
    String username = JsonFields.text(body, "username", 200);
    String application = JsonFields.optionalText(body, "application", 100);
    String ip = JsonFields.optionalText(body, "ip", 45);
    if (application != null && application.codePoints().anyMatch(Character::isISOControl)) {
      throw bad("'application' must be one line of text without control characters");
    }
    if (ip != null && !ip.matches("[0-9A-Fa-f:.]{2,45}")) {
      throw bad("'ip' must be an IPv4 or IPv6 address");
    }
    RequestContext context = Correlation.context(request, client.actor());
    User user =
        users
            .findByUsername(Username.of(username))
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
    Challenge challenge =
        challenges.create(
            user,
            application == null || application.isBlank() ? client.name() : application.strip(),
            ip == null ? context.ip() : ip,
            context);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("challengeId", challenge.id().toString());
    result.put("number", challenge.number());
    result.put("expiresAt", challenge.expiresAt().toString());
    result.put("status", challenge.state().wireName());
    result.put("correlationId", context.correlationId().value());
    return result;
  }

  @Operation(
      summary = "The outcome of a push sign-in request, optionally waiting for it",
      description =
          "wait: seconds (0-30) to wait while the request is pending. status: pending, approved,"
              + " denied, reported, number_mismatch or expired.")
  @GetMapping(
      path = "/api/v1/push/challenges/{challengeId}",
      produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> status(
      @PathVariable("challengeId") String challengeId,
      @RequestParam(name = "wait", defaultValue = "0") String wait,
      @AuthenticationPrincipal ApiClient client,
      HttpServletRequest request)
      throws InterruptedException {
    UUID id;
    try {
      id = UUID.fromString(challengeId);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "malformed challenge ID");
    }
    int seconds;
    try {
      seconds = Integer.parseInt(wait);
    } catch (NumberFormatException e) {
      throw bad("'wait' must be a whole number of seconds");
    }
    if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
      throw bad("'wait' is 0 to " + MAX_WAIT_SECONDS + " seconds");
    }
    RequestContext context = Correlation.context(request, client.actor());
    Challenge challenge = challenges.status(id, context);
    // Wall time, not the injected clock: this bounds how long the HTTP request is held.
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (challenge.state() == ChallengeState.PENDING && System.nanoTime() < until) {
      Thread.sleep(POLL);
      challenge = challenges.status(id, context);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("challengeId", challenge.id().toString());
    result.put("status", challenge.state().wireName());
    result.put("expiresAt", challenge.expiresAt().toString());
    if (challenge.answeredAt() != null) {
      result.put("answeredAt", challenge.answeredAt().toString());
    }
    result.put("checkedAt", Instant.now(clock).toString());
    return result;
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
