package io.latchkey.server.api;

import io.latchkey.core.cloudbackup.CloudBackup;
import io.latchkey.core.cloudbackup.CloudBackups;
import io.latchkey.core.cloudbackup.Precondition;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.security.ApiUser;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app's encrypted backup (docs/BACKUP-FORMAT.md): opaque bytes the server stores and returns
 * but never reads, with a version in the {@code ETag}. An upload names what it replaces ({@code
 * If-Match: "N"}, or {@code If-None-Match: *} for the first), so a stale device cannot overwrite a
 * newer backup ({@code backup_stale}, 412).
 */
@RestController
@Tag(name = "user")
public class UserBackupController {
  public static final String PATH = "/api/v1/user/backup";
  private static final Pattern VERSION_TAG = Pattern.compile("\"([1-9][0-9]{0,17})\"");

  private final CloudBackups backups;

  public UserBackupController(CloudBackups backups) {
    this.backups = backups;
  }

  @Operation(
      summary = "Download the user's encrypted app backup",
      description =
          "200 with the bytes (application/octet-stream) and ETag: \"<version>\"; not_found when"
              + " there is none. Needs a user API token.")
  @GetMapping(path = PATH, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  public ResponseEntity<byte[]> download(
      @AuthenticationPrincipal ApiUser user, HttpServletRequest request) {
    CloudBackup backup =
        backups.download(user.session().user(), Correlation.context(request, user.actor()));
    return ResponseEntity.ok()
        .eTag(tag(backup.version()))
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(backup.content());
  }

  @Operation(
      summary = "Upload a new version of the encrypted app backup",
      description =
          "Body: the bytes (application/octet-stream, at most latchkey.user-api.max-backup-bytes)."
              + " Header If-Match: \"<version>\" (the version this device last uploaded or"
              + " restored), If-Match: * (replace whatever is there), or If-None-Match: * (the"
              + " first backup). 201 (first) or 200 with {\"version\"} and the new ETag. Errors:"
              + " backup_stale (412: the stored version is another), payload_too_large,"
              + " bad_request (no or malformed precondition, empty body).")
  @PutMapping(
      path = PATH,
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> upload(
      @RequestBody(required = false) byte[] body,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
      @AuthenticationPrincipal ApiUser user,
      HttpServletRequest request) {
    Precondition expected = precondition(ifMatch, ifNoneMatch);
    long version =
        backups.upload(
            user.session().user(),
            expected,
            body == null ? new byte[0] : body,
            Correlation.context(request, user.actor()));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("version", version);
    result.put("correlationId", Correlation.of(request).value());
    return ResponseEntity.status(
            expected instanceof Precondition.NoneYet ? HttpStatus.CREATED : HttpStatus.OK)
        .eTag(tag(version))
        .body(result);
  }

  /** {@code If-Match: "N"} or {@code *}, or {@code If-None-Match: *}; exactly one of them. */
  static Precondition precondition(String ifMatch, String ifNoneMatch) {
    if (ifMatch != null && ifNoneMatch != null) {
      throw bad("send If-Match or If-None-Match, not both");
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.strip().equals("*")) {
        throw bad("If-None-Match must be * (the first backup)");
      }
      return new Precondition.NoneYet();
    }
    if (ifMatch == null) {
      throw bad(
          "an upload needs If-Match: \"<version>\" (or If-None-Match: * for the first backup)");
    }
    String value = ifMatch.strip();
    if (value.equals("*")) {
      return new Precondition.AnyVersion();
    }
    Matcher m = VERSION_TAG.matcher(value);
    if (!m.matches()) {
      throw bad("If-Match must be one version in quotes, e.g. \"3\", or *");
    }
    return new Precondition.Version(Long.parseLong(m.group(1)));
  }

  private static String tag(long version) {
    return "\"" + version + "\"";
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
