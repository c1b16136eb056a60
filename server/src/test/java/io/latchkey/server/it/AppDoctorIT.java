package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code latchkey app doctor} on a real phone (the app in its own home) against the real server: an
 * activated phone passes every check; a skewed phone clock is measured against the server's
 * injected clock through {@code GET /api/v1/device/time}; a server that is not running is
 * unreachable in plain words; a device removed by an admin's MFA reset must be activated again.
 */
class AppDoctorIT extends ServerIT {
  private static final String PIN = "4711-correct";

  /** A phone with a PIN and a posture that passes every rule (the tests run as root). */
  private static Phone phone(Clock clock) {
    return new Phone(
        clock,
        Map.of(
            "LATCHKEY_POSTURE",
            "storage-encrypted=yes,rooted=no,notifications=yes",
            "LATCHKEY_PIN",
            PIN));
  }

  private static List<String> lines(Phone.Run run) {
    return run.out().lines().toList();
  }

  private static String line(Phone.Run run, String check) {
    return lines(run).stream()
        .filter(l -> l.length() > 6 && l.substring(6).startsWith(check + ": "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + check + " line in " + run.all()));
  }

  @Test
  void anActivatedPhonePassesEveryCheck() {
    String username = newUsername("doc");
    Phone phone = phone(clock);
    PushWizard.register(api, username, phone);

    Phone.Run run = phone.run("doctor");

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(lines(run)).hasSize(8);
    assertThat(lines(run).subList(0, 7)).allMatch(l -> l.startsWith("OK    "), run.all());
    assertThat(line(run, "vault"))
        .isEqualTo("OK    vault: readable: 0 accounts, 1 push device; protected by a PIN.");
    assertThat(line(run, "server"))
        .startsWith("OK    server: " + baseUrl() + " is a Latchkey server and reachable;");
    assertThat(line(run, "clock")).startsWith("OK    clock: this device's clock");
    assertThat(line(run, "push"))
        .contains("(" + username + " at " + baseUrl() + ") connected and stayed connected");
    assertThat(lines(run).getLast()).isEqualTo("Everything looks right.");
  }

  @Test
  void aPhoneClockAheadOfTheServersIsReportedWithItsOffset() {
    String username = newUsername("skew");
    Phone phone = phone(Clock.offset(clock, Duration.ofSeconds(45)));
    PushWizard.register(api, username, phone); // 45 s is within the 5 min of signed requests

    Phone.Run run = phone.run("doctor", "--json");

    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    JsonNode clockCheck = check(run, "clock");
    assertThat(clockCheck.path("status").asString()).isEqualTo("fail");
    assertThat(clockCheck.path("offsetMs").asLong()).isBetween(45_000L, 46_000L);
    assertThat(clockCheck.path("message").asString())
        .matches(
            "this device's clock is 45\\.[0-9] s ahead of "
                + baseUrl()
                + ": codes made on this device will be refused; turn on automatic time \\(network"
                + " time\\) in this device's settings\\.");
    assertThat(check(run, "push").path("status").asString()).isEqualTo("ok");
  }

  @Test
  void theServersTimeIsItsInjectedClockOpenToAnyoneAndNeverCached() {
    clock.advance(Duration.ofMinutes(7));
    Instant now = clock.instant();

    Response response = api.send(api.request("/api/v1/device/time").GET().build());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("service").asString()).isEqualTo("latchkey");
    assertThat(Instant.parse(response.json().path("time").asString()))
        .isEqualTo(now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    HttpResponse<String> raw = rawGet("/api/v1/device/time");
    assertThat(raw.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode openApi = api.send(api.request("/api/openapi.json").GET().build()).json();
    assertThat(openApi.path("paths").has("/api/v1/device/time")).isTrue();
  }

  @Test
  void aServerThatIsNotRunningIsReportedAsUnreachableInPlainWords() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String address = "http://127.0.0.1:" + closed;
    Phone phone = phone(clock);

    Phone.Run run = phone.run("doctor", "--server", address);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(line(run, "server"))
        .isEqualTo(
            "FAIL  server: could not reach "
                + address
                + " (could not connect). Check this device's network connection (Wi-Fi, mobile"
                + " data, VPN or proxy) and that the address is right; if it is, the server may"
                + " be down: tell your administrator.");
    assertThat(lines(run).getLast()).isEqualTo("1 check failed: fix those first.");
  }

  @Test
  void aDeviceRemovedByAnAdminsResetMustBeActivatedAgain() {
    String username = newUsername("reset");
    Phone phone = phone(clock);
    PushWizard.register(api, username, phone);
    Response reset =
        api.adminPost("/api/v1/admin/users/" + username + "/reset-mfa", Map.of("reason", "x"));
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);

    Phone.Run run = phone.run("doctor");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(line(run, "server")).startsWith("OK ");
    assertThat(line(run, "push"))
        .startsWith("FAIL  push: device ")
        .contains("was refused: the server no longer knows this device")
        .contains("activate again with a new QR code from the registration page")
        .contains("correlation ID ");
  }

  private static JsonNode check(Phone.Run run, String name) {
    JsonNode report = Api.JSON.readTree(run.out());
    for (JsonNode check : report.path("checks")) {
      if (check.path("check").asString().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no " + name + " check in " + run.all());
  }

  private HttpResponse<String> rawGet(String path) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(api.request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
