package io.latchkey.app;

import io.latchkey.core.push.Decision;
import io.latchkey.core.push.DeviceSignatures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * What {@code approve} and {@code deny} share (docs/PUSH-PROTOCOL.md §3): fetch the pending
 * requests from each device's server, pick one by its ID (or the only one), sign the answer with
 * the key of the device that fetched it, bound to that challenge's ID, user and expiry exactly as
 * delivered, and send it.
 */
abstract class AnswerCommand extends AppSubcommand {

  @Parameters(
      arity = "0..1",
      paramLabel = "CHALLENGE_ID",
      description =
          "The request's ID as listen shows it, or a unique start of it; not needed when only one"
              + " request is waiting.")
  String challengeQuery;

  @Option(
      names = "--device",
      paramLabel = "ID",
      description = "Ask this device's server only (its ID, a unique start of it, or its name).")
  String deviceQuery;

  /** A waiting request and the device that fetched it (and signs the answer). */
  record Pending(Device device, Challenge challenge) {}

  /** The decision to send. */
  abstract Decision decision();

  /** The number for an approval, after the request is chosen; "" for a denial. */
  abstract String number(Challenge challenge);

  /** Checks what can be checked before going to the network. */
  void checkOptions() {}

  @Override
  final void execute() throws IOException {
    checkOptions();
    List<Device> devices;
    try (Vault vault = openVault()) {
      devices = vault.devices().select(deviceQuery);
    }
    try (PushClient client = new PushClient(app().clock())) {
      Pending chosen = pick(fetch(client, devices));
      String status = send(client, chosen);
      out()
          .println(
              switch (status) {
                case "approved" -> "Approved.";
                case "denied" -> "Denied.";
                case "reported" ->
                    "Denied and reported as suspicious; your administrator has been alerted.";
                default ->
                    throw new AppException(
                        "The server recorded the answer with a status this app does not know ("
                            + Messages.foreign(status)
                            + ").");
              });
    }
  }

  private String send(PushClient client, Pending chosen) {
    Challenge challenge = chosen.challenge();
    Decision decision = decision();
    String number = decision == Decision.APPROVE ? number(challenge) : "";
    byte[] signature =
        chosen
            .device()
            .sign(
                DeviceSignatures.answer(
                    challenge.id(), challenge.userId(), challenge.expiresAt(), decision, number));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deviceId", chosen.device().id());
    body.put("decision", decision.wireName());
    body.put("number", number);
    body.put("signature", Base64.getEncoder().encodeToString(signature));
    PushClient.Reply reply =
        client.post(
            chosen.device().server(),
            PushClient.CHALLENGES + "/" + challenge.id() + "/answer",
            Json.bytes(body));
    if (reply.status() != 200) {
      throw ServerError.of(reply).toException("Your answer was not accepted");
    }
    return reply
        .json()
        .flatMap(n -> Json.string(n, "status"))
        .orElseThrow(
            () ->
                new AppException(
                    "The server took the answer but its reply could not be read; run listen or"
                        + " check the sign-in screen to see whether it counted."));
  }

  /** Every waiting request of every device, each once (two devices of a user see the same). */
  private List<Pending> fetch(PushClient client, List<Device> devices) {
    List<Pending> pending = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    List<AppException> failures = new ArrayList<>();
    for (Device device : devices) {
      try {
        for (Challenge challenge : challengesOf(client, device)) {
          if (seen.add(challenge.id())) {
            pending.add(new Pending(device, challenge));
          }
        }
      } catch (AppException e) {
        failures.add(e);
      }
    }
    if (failures.size() == devices.size()) {
      throw failures.get(0);
    }
    for (AppException failure : failures) {
      err().println("Warning: " + failure.getMessage().lines().findFirst().orElse(""));
    }
    return pending;
  }

  private static List<Challenge> challengesOf(PushClient client, Device device) {
    PushClient.Reply reply = client.get(device, PushClient.CHALLENGES);
    if (reply.status() != 200) {
      throw ServerError.of(reply)
          .toException(
              "The server refused to list the sign-in requests of the device " + device.describe());
    }
    JsonNode list = reply.json().map(n -> n.get("challenges")).orElse(null);
    if (list == null || !list.isArray()) {
      throw new AppException(
          "The server at " + device.server() + " answered with a list this app cannot read.");
    }
    List<Challenge> challenges = new ArrayList<>();
    for (JsonNode node : list.values()) {
      try {
        challenges.add(Challenge.from(node));
      } catch (IllegalArgumentException e) {
        // One unreadable entry must not hide the others.
      }
    }
    return challenges;
  }

  private Pending pick(List<Pending> pending) {
    String verb = decision() == Decision.APPROVE ? "approve" : "deny";
    if (challengeQuery == null) {
      if (pending.isEmpty()) {
        throw new AppException("No sign-in request is waiting.");
      }
      if (pending.size() == 1) {
        return pending.get(0);
      }
      throw new AppException(
          pending.size()
              + " sign-in requests are waiting; give the ID of the one to "
              + verb
              + ":\n"
              + table(pending));
    }
    String query = challengeQuery.strip().toLowerCase(Locale.ROOT);
    List<Pending> found =
        pending.stream().filter(p -> p.challenge().id().toString().equals(query)).toList();
    if (found.isEmpty() && !query.isEmpty()) {
      found =
          pending.stream().filter(p -> p.challenge().id().toString().startsWith(query)).toList();
    }
    if (found.isEmpty()) {
      throw new AppException(
          "No waiting sign-in request has the ID "
              + Messages.quote(challengeQuery)
              + "; it may have expired or been answered already.");
    }
    if (found.size() > 1) {
      throw new AppException(
          Messages.quote(challengeQuery)
              + " matches "
              + found.size()
              + " waiting requests; give more of the ID:\n"
              + table(found));
    }
    return found.get(0);
  }

  private static String table(List<Pending> pending) {
    Table table = new Table("ID", "FROM", "USER", "IP", "EXPIRES");
    for (Pending p : pending) {
      Challenge c = p.challenge();
      table.row(
          c.id().toString(),
          c.isRegistrationTest() ? "(registration test)" : c.requester(),
          c.username(),
          c.ip(),
          c.expiresAt().toString());
    }
    StringWriter text = new StringWriter();
    table.print(new PrintWriter(text));
    return text.toString().stripTrailing();
  }
}
