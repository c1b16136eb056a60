package io.latchkey.app;

import io.latchkey.core.push.ActivationUri;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code activate URI | activate --qr PNG}: makes this app a push device of the user whose
 * registration page shows the QR code (docs/PUSH-PROTOCOL.md §1, §3). A new Ed25519 key is made,
 * its public half and this device's posture go to the server in a request signed with it, and only
 * when the server accepts is the device saved. The vault is opened first, so a wrong PIN stops the
 * activation before the one-time code is spent.
 */
@Command(
    name = "activate",
    mixinStandardHelpOptions = true,
    description = {
      "Activates this app as a push device from the QR code of the registration page.",
      "The posture sent (storage encrypted, rooted, notifications) is detected; --posture or"
          + " LATCHKEY_POSTURE overrides it and marks it as overridden."
    })
final class ActivateCommand extends AppSubcommand {
  private static final ScannedText INPUT =
      new ScannedText("a latchkey://activate link", "an activation link");
  private static final int MAX_NAME = 100;
  // What the app makes; phones with a secure element make EC_P256 keys instead.
  private static final KeyAlgorithm ALGORITHM = KeyAlgorithm.ED25519;

  @Parameters(
      arity = "0..1",
      paramLabel = "URI",
      description = "The latchkey://activate link, or - to read it from standard input.")
  String uri;

  @Option(names = "--qr", paramLabel = "PNG", description = "An image of the QR code.")
  Path qr;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "What the server calls this device (default: USER@HOSTNAME).")
  String name;

  @Option(
      names = "--posture",
      paramLabel = "SPEC",
      description = {
        "Overrides the detected posture, e.g. "
            + PostureOverride.FORMAT
            + " (any subset; yes, no,"
            + " true or false). Also LATCHKEY_POSTURE; this option wins."
      })
  String posture;

  @Override
  void execute() throws IOException {
    Optional<PostureOverride> override = postureOverride();
    ActivationUri activation = parse(INPUT.read(uri, qr, app().stdin()));
    Instant now = app().clock().instant();
    refuseIfExpired(activation, now);
    String deviceName = name == null ? defaultName() : checkedName(name);
    Posture detected = app().postureProbe().detect(app().home(), AppCommand.appVersion(), now);
    Posture sent = override.map(o -> o.applyTo(detected)).orElse(detected);
    try (Vault vault = openVault();
        PushClient client = new PushClient(app().clock())) {
      KeyPair keys = ALGORITHM.generate();
      byte[] body = Json.bytes(body(activation, deviceName, keys, sent));
      JsonNode answer =
          accepted(client.activate(activation.server(), body, ALGORITHM, keys.getPrivate()));
      Device device = device(activation, deviceName, keys, answer, now);
      save(vault, device);
      confirm(device, warnings(answer), Json.string(answer, "correlationId").orElse(""));
    }
  }

  private static void refuseIfExpired(ActivationUri activation, Instant now) {
    if (!now.isBefore(activation.expires())) {
      throw new AppException(
          "This activation code expired at "
              + activation.expires()
              + " (this device's clock says "
              + now
              + "). Select Next on the registration page for a new QR code and scan that one;"
              + " if the code cannot have expired yet, this device's clock is wrong.");
    }
  }

  /** The server's 201 answer, or its refusal as the error block. */
  private static JsonNode accepted(PushClient.Reply reply) {
    if (reply.status() != 201) {
      ServerError error = ServerError.of(reply);
      throw error.toException(
          error.refusesTheDevice() ? "Your device was refused" : "Activation failed");
    }
    return reply
        .json()
        .orElseThrow(
            () ->
                new AppException(
                    "The server accepted the activation but its answer could not be read; nothing"
                        + " was saved. Ask your administrator to remove the device and start the"
                        + " registration again."));
  }

  private void save(Vault vault, Device device) {
    try {
      vault.save(vault.devices().with(device));
    } catch (IOException e) {
      throw new AppException(
          "The server activated this device, but saving it in "
              + app().home()
              + " failed ("
              + e.getClass().getSimpleName()
              + "); ask your administrator to remove the device \""
              + device.name()
              + "\", then select Next on the registration page and activate again.",
          e);
    }
  }

  private static ActivationUri parse(String text) {
    try {
      return ActivationUri.parse(text);
    } catch (IllegalArgumentException e) {
      // ActivationUri's messages never hold the code.
      throw new AppException("Could not activate: " + Messages.sentence(e.getMessage()), e);
    }
  }

  /** The override, if any: the option, else the variable. A wrong one is a usage error. */
  private Optional<PostureOverride> postureOverride() {
    String given = posture != null ? posture : app().env().get(PostureOverride.VARIABLE);
    if (given == null) {
      return Optional.empty();
    }
    String source = posture != null ? "--posture" : PostureOverride.VARIABLE;
    try {
      return Optional.of(PostureOverride.parse(given));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid " + source + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> body(
      ActivationUri activation, String deviceName, KeyPair keys, Posture posture) {
    Map<String, Object> sent = new LinkedHashMap<>();
    sent.put("storageEncrypted", posture.storageEncrypted());
    sent.put("rooted", posture.rooted());
    sent.put("notificationsEnabled", posture.notificationsEnabled());
    sent.put("appVersion", posture.appVersion());
    sent.put("deviceClock", posture.deviceClock().toString());
    sent.put("overridden", posture.overridden());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", activation.code());
    body.put("name", deviceName);
    body.put("keyAlgorithm", ALGORITHM.wireName());
    body.put("publicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    body.put("posture", sent);
    return body;
  }

  private static Device device(
      ActivationUri activation, String deviceName, KeyPair keys, JsonNode answer, Instant now) {
    Optional<String> id = Json.string(answer, "deviceId").filter(s -> !s.isBlank());
    Optional<String> userId = Json.string(answer, "userId").filter(s -> !s.isBlank());
    if (id.isEmpty() || userId.isEmpty()) {
      throw new AppException(
          "The server accepted the activation but did not name the device or its user; nothing"
              + " was saved. Ask your administrator to remove the device and start the"
              + " registration again.");
    }
    // The server of the QR code, which this device has just reached, rather than the one the
    // server names: behind a proxy that may be an address this device cannot reach.
    return new Device(
        Messages.foreign(id.get()),
        activation.server(),
        Messages.foreign(userId.get()),
        Json.string(answer, "username").map(Messages::foreign).orElse(""),
        Json.string(answer, "issuer").map(Messages::foreign).orElse(""),
        deviceName,
        ALGORITHM,
        keys.getPrivate(),
        keys.getPublic(),
        now);
  }

  /** The server's sentence without its own "Warning:" (the line already says it is one). */
  private static String withoutPrefix(String warning) {
    String text = warning.strip();
    for (String prefix : List.of("Warning:", "warning:")) {
      if (text.startsWith(prefix)) {
        text = text.substring(prefix.length()).strip();
        return text.isEmpty() ? warning : Character.toUpperCase(text.charAt(0)) + text.substring(1);
      }
    }
    return warning;
  }

  private static List<String> warnings(JsonNode answer) {
    List<String> warnings = new ArrayList<>();
    JsonNode list = answer.get("warnings");
    if (list != null && list.isArray()) {
      for (JsonNode warning : list.values()) {
        if (warning.isString() && !warning.stringValue().isBlank()) {
          warnings.add(Messages.sentence(Messages.foreign(warning.stringValue())));
        }
      }
    }
    return warnings;
  }

  private void confirm(Device device, List<String> warnings, String correlationId) {
    String issuer = device.issuer().isEmpty() ? "" : " (" + device.issuer() + ")";
    String user = device.username().isEmpty() ? "your account" : device.username();
    out()
        .println(
            "Activated: this app is now \""
                + device.name()
                + "\", a push device of "
                + user
                + " at "
                + device.server()
                + issuer
                + ".");
    for (String warning : warnings) {
      out().println("Warning from the server: " + withoutPrefix(warning));
    }
    if (!warnings.isEmpty() && !correlationId.isBlank()) {
      // The administrator's diagnosis of the warning starts from this ID (issue 15).
      out()
          .println(
              "Correlation ID of "
                  + (warnings.size() == 1 ? "this warning" : "these warnings")
                  + ": "
                  + Messages.foreign(correlationId)
                  + " (give it to your administrator if you need help).");
    }
    out()
        .println(
            "Next: run `latchkey app --home "
                + Messages.shellWord(app().home())
                + " listen` to receive sign-in requests.");
  }

  /** "alice@laptop": the user and the computer, as a phone shows its owner's and model's name. */
  private String defaultName() {
    String user = app().env().getOrDefault("USER", System.getProperty("user.name", ""));
    String host = hostname();
    String chosen = (user.isBlank() ? "latchkey" : user.strip()) + "@" + host;
    return checkedName(chosen);
  }

  private String hostname() {
    try {
      String host =
          Files.readString(app().proc().resolve("sys/kernel/hostname"), StandardCharsets.UTF_8)
              .strip();
      if (!host.isEmpty()) {
        return host;
      }
    } catch (IOException e) {
      // Not Linux: the variable below, else a neutral word.
    }
    String host = app().env().get("HOSTNAME");
    return host == null || host.isBlank() ? "this-computer" : host.strip();
  }

  private static String checkedName(String text) {
    String chosen = Messages.visibleName(text, "--name");
    if (chosen.codePointCount(0, chosen.length()) > MAX_NAME) {
      throw new AppException("The --name must be at most " + MAX_NAME + " characters.");
    }
    return chosen;
  }
}
