package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code admin rotate-key [--wait] | --status}: POST /api/v1/admin/keys/rotations starts a rotation
 * of the data key (the server re-seals every secret in the background and retires the old key); GET
 * /api/v1/admin/keys shows the keys and the newest rotation.
 */
@Command(
    name = "rotate-key",
    description = {
      "Rotates the data key that seals TOTP secrets at rest, while the server runs: a new key",
      "seals new secrets on every node at once, the server re-seals the others in the",
      "background and retires the old key when no row uses it. Needs a login of the last",
      "minutes. The key file is not changed: back it up as before (docs/OPERATIONS.md)."
    })
final class RotateKeyCommand extends AdminSubcommand {
  @Option(names = "--status", description = "Show the keys and the newest rotation; start none.")
  boolean status;

  @Option(names = "--wait", description = "Wait until the rotation finished (polls every second).")
  boolean await;

  @Override
  void execute() throws AdminException {
    if (status && await) {
      throw usage("--status and --wait do not go together");
    }
    AdminClient client = client();
    if (status) {
      JsonNode keys = client.get("/api/v1/admin/keys");
      out().println("Sealing key:   " + shown(keys, "sealingKeyId"));
      out().println("Keys:          " + list(keys.path("keys")));
      out().println("Not yet re-sealed: " + keys.path("notSealedWithCurrent").asLong());
      JsonNode rotation = keys.path("rotation");
      if (rotation.isObject()) {
        print(rotation);
      } else {
        out().println("No rotation yet.");
      }
      return;
    }
    JsonNode rotation = client.post("/api/v1/admin/keys/rotations", Map.of());
    out()
        .println(
            "Rotation "
                + shown(rotation, "id")
                + " started: new data key "
                + shown(rotation, "newKeyId")
                + " seals new secrets; the server re-seals the others in the background.");
    if (await) {
      String path = "/api/v1/admin/keys/rotations/" + text(rotation, "id");
      while ("running".equals(text(rotation, "state"))) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AdminException("interrupted while waiting; the rotation goes on in the server");
        }
        rotation = client.get(path);
      }
    }
    print(rotation);
  }

  private void print(JsonNode rotation) {
    out()
        .println("Rotation:      " + shown(rotation, "id") + " (" + shown(rotation, "state") + ")");
    out()
        .println(
            "Started:       "
                + shown(rotation, "startedAt")
                + " by "
                + shown(rotation, "startedBy"));
    out().println("New key:       " + shown(rotation, "newKeyId"));
    out().println("Old keys:      " + list(rotation.path("oldKeyIds")));
    out()
        .println(
            "Re-sealed:     "
                + rotation.path("resealed").asLong()
                + " in "
                + rotation.path("batches").asInt()
                + " batch(es), "
                + rotation.path("remaining").asLong()
                + " remaining");
    out().println("Retired keys:  " + list(rotation.path("retiredKeyIds")));
    if (text(rotation, "lastError") != null && !text(rotation, "lastError").isEmpty()) {
      out().println("Last error:    " + text(rotation, "lastError") + " (the job tries again)");
    }
  }

  private static String list(JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode item : array) {
      out.append(out.isEmpty() ? "" : ", ").append(item.asString());
    }
    return out.toString();
  }
}
