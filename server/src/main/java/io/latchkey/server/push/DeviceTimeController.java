package io.latchkey.server.push;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/device/time} (docs/PUSH-PROTOCOL.md §3): the server's time, open and unsigned,
 * so a device can tell how far its own clock is off ({@code app doctor}) before its codes and
 * signed requests are refused for it. The time is the server's injected {@link Clock}, the one that
 * judges codes and signatures; the HTTP {@code Date} header comes from the system clock and has
 * only whole seconds. {@code service} tells a Latchkey server apart from any other answer at that
 * URL.
 */
@RestController
@Tag(name = "devices")
public class DeviceTimeController {
  static final String SERVICE = "latchkey";

  private final Clock clock;

  public DeviceTimeController(Clock clock) {
    this.clock = clock;
  }

  @Operation(
      summary = "The server's time, for a device to check its clock (open, not signed)",
      description =
          "200: {\"service\": \"latchkey\", \"time\": ISO-8601 instant in UTC with milliseconds}."
              + " Never cached. The clock that judges codes and request signatures.")
  @GetMapping(path = "/api/v1/device/time", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> time() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", SERVICE);
    body.put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
  }
}
