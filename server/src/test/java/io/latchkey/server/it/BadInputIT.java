package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.RawHttp;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input of every kind, at every endpoint, gets a 4xx with the error envelope (JSON for the API,
 * the error box for pages) whose correlation ID is the header's; never a 500, never a stack trace
 * or internal detail (PRODUCT.md, SECURITY-TESTS A1). Each endpoint is a list of named cases, each
 * case one dynamic test, so the reports show what was sent and how many cases there are.
 */
class BadInputIT extends ServerIT {
  private static final String JSON = "application/json";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int MIN_CASES = 30;

  /** A code-shape case counts as a failed attempt; a user is replaced before the 10th. */
  private static final int FAILURES_PER_USER = 8;

  private enum Kind {
    API,
    PAGE
  }

  /** One malformed request: its name, how to send it, and the error code it must get. */
  private record Case(String name, Kind kind, Supplier<Response> send, String expectedCode) {}

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/verify

  @TestFactory
  Stream<DynamicTest> verifyRefusesEveryMalformedRequestWithAnEnvelope() {
    String token = api.createApiKey("bad-input-app");
    UnaryOperator<HttpRequest.Builder> app = b -> b.header("Authorization", "Bearer " + token);
    Rotating<EnrolledUser> users = new Rotating<>(() -> enroll("bad"));
    String path = "/api/v1/verify";
    List<Case> cases = new ArrayList<>();

    cases.addAll(
        malformedJsonBodies(path, app, "{\"username\":\"nobody\",\"code\":\"123456\"}", "code"));
    cases.addAll(
        authorizationCases("POST", path, JSON, "{\"username\":\"x\",\"code\":\"123456\"}"));
    cases.add(
        api(
            "an admin token (not an application)",
            "forbidden",
            () ->
                api.send(
                    api.asAdmin(json(path, "{\"username\":\"x\",\"code\":\"123456\"}")).build())));
    for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
      cases.add(
          api(
              method + " instead of POST",
              "method_not_allowed",
              () ->
                  api.send(
                      app.apply(api.request(path))
                          .method(method, BodyPublishers.noBody())
                          .build())));
    }
    cases.add(
        api(
            "Accept: text/html only",
            "not_acceptable",
            () ->
                api.send(
                    app.apply(json(path, "{\"username\":\"x\",\"code\":\"123456\"}"))
                        .header("Accept", "text/html")
                        .build())));

    // The fields: types, presence, and codes that are not six ASCII digits.
    Map<String, String> codeBodies = new LinkedHashMap<>();
    codeBodies.put("code as a JSON number", "123456");
    codeBodies.put("code as a JSON number with a leading zero (not JSON)", "012345");
    codeBodies.put("code as a JSON number in exponent form", "1.23456e5");
    codeBodies.put("code as a boolean", "true");
    codeBodies.put("code as an object", "{\"value\":\"123456\"}");
    codeBodies.put("code as an array", "[\"123456\"]");
    codeBodies.put("code null", "null");
    for (var row : codeBodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      app.apply(
                              json(
                                  path,
                                  "{\"username\":"
                                      + quote(users.get().username())
                                      + ",\"code\":"
                                      + row.getValue()
                                      + "}"))
                          .build())));
    }
    cases.add(
        api(
            "code missing",
            "bad_request",
            () -> verify(app, "{\"username\":" + quote(users.get().username()) + "}")));
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("empty code", "");
    codes.put("5-digit code", "12345");
    codes.put("7-digit code", "1234567");
    codes.put("8-digit code", "12345678");
    codes.put("100-digit code", "1".repeat(100));
    codes.put("code with a leading space", " 123456");
    codes.put("code with a space inside", "123 456");
    codes.put("code with a plus sign", "+12345");
    codes.put("code with a minus sign", "-12345");
    codes.put("code with a letter", "12345e");
    codes.put("code of letters", "abcdef");
    codes.put("full-width digits", "１２３４５６");
    codes.put("Arabic-Indic digits", "١٢٣٤٥٦");
    codes.put("code with a NUL", "12345\u0000");
    codes.put("code with a CRLF", "123\r\n456");
    codes.put("SQL in the code", "1' OR '1'='1");
    for (var row : codes.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> verifyFields(app, users.get().username(), row.getValue())));
    }
    Map<String, String> usernames = new LinkedHashMap<>();
    usernames.put("empty username", "");
    usernames.put("blank username", "   ");
    usernames.put("username with a control character", "a\u0007b");
    usernames.put("username with CRLF", "evil\r\nuser.blocked");
    usernames.put("username with a NUL", "a\u0000b");
    usernames.put("username with a colon", "issuer:alice");
    usernames.put("username with a zero-width space", "ali\u200bce");
    usernames.put("username with a right-to-left override", "ali\u202ece");
    usernames.put("username of 65 characters", "a".repeat(65));
    usernames.put("username of 201 characters", "a".repeat(201));
    usernames.put("username of 60 KB", "a".repeat(60_000));
    usernames.put("SQL injection with spaces", "' OR '1'='1");
    for (var row : usernames.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> verifyFields(app, row.getValue(), "123456")));
    }
    cases.add(
        api(
            "username as a number",
            "bad_request",
            () -> verify(app, "{\"username\":7,\"code\":\"123456\"}")));
    cases.add(api("username missing", "bad_request", () -> verify(app, "{\"code\":\"123456\"}")));
    cases.add(
        api(
            "username null",
            "bad_request",
            () -> verify(app, "{\"username\":null,\"code\":\"123456\"}")));
    cases.add(
        api("unknown user", "not_found", () -> verifyFields(app, newUsername("ghost"), "123456")));
    // Refused as a name (bad_request) or looked up harmlessly (not_found), depending on how
    // strict the username alphabet is; either way a 4xx envelope, and the users table survives.
    cases.add(
        api(
            "SQL injection without spaces",
            null,
            () -> verifyFields(app, "x';DROP/**/TABLE/**/users;--", "123456")));
    cases.add(
        api(
            "a lone surrogate in the username",
            "bad_request",
            () -> verify(app, "{\"username\":\"a\\ud800b\",\"code\":\"123456\"}")));
    // Unicode variants of a real account reach that account: the wrong code is judged, not 404.
    cases.add(
        api(
            "full-width form of a real username, wrong code",
            "invalid_code",
            () -> {
              EnrolledUser user = users.get();
              return verifyFields(app, fullWidth(user.username()), wrongCode(user));
            }));
    cases.add(
        api(
            "decomposed (NFD) form of a real username, wrong code",
            "invalid_code",
            () -> {
              EnrolledUser user = enroll("jos\u00e9");
              return verifyFields(
                  app, user.username().replace("\u00e9", "e\u0301"), wrongCode(user));
            }));
    cases.add(
        api(
            "a client-supplied time is ignored (A3)",
            "invalid_code",
            () -> {
              EnrolledUser user = users.get();
              String old =
                  WizardClient.code(user.secret(), clock.instant().minus(Duration.ofHours(1)));
              return verify(
                  app,
                  "{\"username\":"
                      + quote(user.username())
                      + ",\"code\":"
                      + quote(old)
                      + ",\"timestamp\":"
                      + clock.instant().minus(Duration.ofHours(1)).getEpochSecond()
                      + "}");
            }));
    cases.add(
        api(
            "duplicate \"code\" keys, the last one right",
            "bad_request",
            () -> {
              EnrolledUser user = enroll("dup");
              clock.nextStep(30);
              String right = WizardClient.code(user.secret(), clock.instant());
              return verify(
                  app,
                  "{\"username\":"
                      + quote(user.username())
                      + ",\"code\":\"000000\",\"code\":"
                      + quote(right)
                      + "}");
            }));
    return run("POST " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/admin/users

  @TestFactory
  Stream<DynamicTest> userCreationRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/admin/users";
    UnaryOperator<HttpRequest.Builder> admin = api::asAdmin;
    List<Case> cases = new ArrayList<>();
    cases.addAll(
        malformedJsonBodies(
            path, admin, "{\"username\":\"u\",\"password\":\"pw-123456\"}", "username"));
    cases.addAll(authorizationCases("POST", path, JSON, "{\"username\":\"u\"}"));
    cases.addAll(wrongMethods(path, List.of("PUT", "DELETE", "PATCH")));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("username missing", "{\"password\":\"pw-123456\"}");
    bodies.put("username null", "{\"username\":null}");
    bodies.put("username empty", "{\"username\":\"\"}");
    bodies.put("username blank", "{\"username\":\"  \"}");
    bodies.put("username a number", "{\"username\":42}");
    bodies.put("username an array", "{\"username\":[\"a\"]}");
    bodies.put("username with CRLF", "{\"username\":\"a\\r\\nb\"}");
    bodies.put("username with a NUL", "{\"username\":\"a\\u0000b\"}");
    bodies.put("username with a colon", "{\"username\":\"a:b\"}");
    bodies.put("username with a space inside", "{\"username\":\"a b\"}");
    bodies.put("username with a zero-width joiner", "{\"username\":\"a\\u200db\"}");
    bodies.put("username of 65 characters", "{\"username\":\"" + "a".repeat(65) + "\"}");
    bodies.put("username of 201 characters", "{\"username\":\"" + "a".repeat(201) + "\"}");
    bodies.put("SQL injection username", "{\"username\":\"x' OR '1'='1\"}");
    bodies.put(
        "password of 1001 characters",
        "{\"username\":\"pw1001\",\"password\":\"" + "p".repeat(1001) + "\"}");
    bodies.put("password a number", "{\"username\":\"pwnum\",\"password\":12345678}");
    bodies.put("admin as a string", "{\"username\":\"adm1\",\"admin\":\"true\"}");
    bodies.put("admin as a number", "{\"username\":\"adm2\",\"admin\":1}");
    bodies.put(
        "display name of 201 characters",
        "{\"username\":\"dn201\",\"displayName\":\"" + "d".repeat(201) + "\"}");
    bodies.put("display name an object", "{\"username\":\"dnobj\",\"displayName\":{}}");
    // Issue 13 (UserCsvFuzzTest): PostgreSQL refused the NUL with a 500; a line break forged lines.
    bodies.put("display name with a NUL", "{\"username\":\"dnnul\",\"displayName\":\"a\\u0000b\"}");
    bodies.put(
        "display name with a line break", "{\"username\":\"dnlf\",\"displayName\":\"a\\nb\"}");
    // --- notices: the address is refused before anything is stored (no header injection) ---
    bodies.put(
        "email with CRLF and a Bcc header",
        "{\"username\":\"em1\",\"email\":\"a@example.com\\r\\nBcc: x@evil.example\"}");
    bodies.put("email with a trailing LF", "{\"username\":\"em2\",\"email\":\"a@example.com\\n\"}");
    bodies.put("email with a NUL", "{\"username\":\"em3\",\"email\":\"a\\u0000@example.com\"}");
    bodies.put(
        "email with two addresses",
        "{\"username\":\"em4\",\"email\":\"a@example.com, b@example.com\"}");
    bodies.put("email without @", "{\"username\":\"em5\",\"email\":\"example.com\"}");
    bodies.put("email a number", "{\"username\":\"em6\",\"email\":42}");
    bodies.put(
        "email of 255 characters",
        "{\"username\":\"em7\",\"email\":\"" + "a".repeat(243) + "@example.com\"}");
    bodies.put(
        "duplicate \"username\" keys",
        "{\"username\":\"dupkey-" + UUID.randomUUID() + "\",\"username\":\"other\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(admin.apply(json(path, row.getValue())).build())));
    }
    // Issue 14: a password that breaks a rule is refused with the rule's own code.
    cases.add(
        api(
            "password of 7 characters",
            "password_too_short",
            () ->
                api.send(
                    admin
                        .apply(json(path, "{\"username\":\"pw7\",\"password\":\"1234567\"}"))
                        .build())));
    cases.add(
        api(
            "an existing username",
            "conflict",
            () -> api.send(admin.apply(json(path, "{\"username\":\"admin\"}")).build())));
    cases.add(
        api(
            "an existing username in capitals",
            "conflict",
            () -> api.send(admin.apply(json(path, "{\"username\":\"ADMIN\"}")).build())));
    cases.add(
        api(
            "an existing username in full-width letters",
            "conflict",
            () -> api.send(admin.apply(json(path, "{\"username\":\"ａｄｍｉｎ\"}")).build())));
    return run("POST " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // PUT /api/v1/admin/users/NAME/email (notices)

  @TestFactory
  Stream<DynamicTest> emailChangeRefusesEveryMalformedRequestWithAnEnvelope() {
    String username = newUsername("addressee");
    api.createUser(username, "correct horse battery");
    String path = "/api/v1/admin/users/" + username + "/email";
    List<Case> cases = new ArrayList<>();
    cases.addAll(authorizationCases("PUT", path, JSON, "{\"email\":\"a@example.com\"}"));
    cases.addAll(wrongMethods(path, List.of("POST", "DELETE", "PATCH")));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("CRLF and a Bcc header", "{\"email\":\"a@example.com\\r\\nBcc: x@evil.example\"}");
    bodies.put("a CR alone", "{\"email\":\"a@example.com\\rX: y\"}");
    bodies.put("an LF alone", "{\"email\":\"a@example.com\\nX: y\"}");
    bodies.put("a trailing CRLF", "{\"email\":\"a@example.com\\r\\n\"}");
    bodies.put("a leading LF", "{\"email\":\"\\na@example.com\"}");
    bodies.put("a NUL", "{\"email\":\"a\\u0000@example.com\"}");
    bodies.put("a tab", "{\"email\":\"a\\t@example.com\"}");
    bodies.put("a NEL (U+0085)", "{\"email\":\"a@example.com\\u0085\"}");
    bodies.put("a line separator (U+2028)", "{\"email\":\"a@example.com\\u2028\"}");
    bodies.put("a right-to-left override", "{\"email\":\"a\\u202e@example.com\"}");
    bodies.put("two addresses", "{\"email\":\"a@example.com, b@example.com\"}");
    bodies.put("a display name", "{\"email\":\"Alice <a@example.com>\"}");
    bodies.put("a quoted local part", "{\"email\":\"\\\"a b\\\"@example.com\"}");
    bodies.put("a space inside", "{\"email\":\"a b@example.com\"}");
    bodies.put("no @", "{\"email\":\"example.com\"}");
    bodies.put("two @", "{\"email\":\"a@b@example.com\"}");
    bodies.put("a domain without a dot", "{\"email\":\"a@localhost\"}");
    bodies.put("an IP literal", "{\"email\":\"a@[127.0.0.1]\"}");
    bodies.put("non-ASCII letters", "{\"email\":\"ありす@example.jp\"}");
    bodies.put("empty", "{\"email\":\"\"}");
    bodies.put("255 characters", "{\"email\":\"" + "a".repeat(243) + "@example.com\"}");
    bodies.put(
        "a local part of 65 characters", "{\"email\":\"" + "a".repeat(65) + "@example.com\"}");
    bodies.put("a number", "{\"email\":42}");
    bodies.put("a boolean", "{\"email\":true}");
    bodies.put("an array", "{\"email\":[\"a@example.com\"]}");
    bodies.put("an object", "{\"email\":{\"value\":\"a@example.com\"}}");
    bodies.put("missing", "{}");
    bodies.put("a JSON array body", "[]");
    bodies.put("a JSON null body", "null");
    bodies.put("malformed JSON", "{\"email\": ,}");
    bodies.put(
        "duplicate \"email\" keys", "{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      api.asAdmin(raw(path, "PUT", JSON, BodyPublishers.ofString(row.getValue())))
                          .build())));
    }
    cases.add(
        api(
            "Content-Type text/plain",
            "unsupported_media_type",
            () ->
                api.send(
                    api.asAdmin(
                            raw(
                                path,
                                "PUT",
                                "text/plain",
                                BodyPublishers.ofString("{\"email\":\"a@example.com\"}")))
                        .build())));
    cases.add(
        api(
            "an unknown user",
            "not_found",
            () ->
                api.send(
                    api.asAdmin(
                            raw(
                                "/api/v1/admin/users/" + newUsername("ghost") + "/email",
                                "PUT",
                                JSON,
                                BodyPublishers.ofString("{\"email\":\"a@example.com\"}")))
                        .build())));
    // Runs last: nothing refused above reached the user.
    cases.add(
        api(
            "after every refusal the user still has no address",
            "not_found",
            () -> {
              var user = api.adminGet("/api/v1/admin/users/" + username).json();
              assertThat(user.path("email").isNull()).as(user.toString()).isTrue();
              return api.adminGet("/api/v1/admin/users/" + newUsername("ghost"));
            }));
    return run("PUT " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/admin/api-keys

  @TestFactory
  Stream<DynamicTest> apiKeyCreationRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/admin/api-keys";
    UnaryOperator<HttpRequest.Builder> admin = api::asAdmin;
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, admin, "{\"name\":\"an application\"}", "name"));
    cases.addAll(authorizationCases("POST", path, JSON, "{\"name\":\"x\"}"));
    cases.addAll(wrongMethods(path, List.of("PUT", "DELETE", "PATCH")));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("name missing", "{}");
    bodies.put("name null", "{\"name\":null}");
    bodies.put("name empty", "{\"name\":\"\"}");
    bodies.put("name blank", "{\"name\":\"   \"}");
    bodies.put("name a number", "{\"name\":1}");
    bodies.put("name a boolean", "{\"name\":false}");
    bodies.put("name an array", "{\"name\":[\"x\"]}");
    bodies.put("name an object", "{\"name\":{\"x\":1}}");
    bodies.put("name of 101 characters", "{\"name\":\"" + "n".repeat(101) + "\"}");
    bodies.put("name with CRLF", "{\"name\":\"a\\r\\nb\"}");
    bodies.put("name with a NUL", "{\"name\":\"a\\u0000b\"}");
    bodies.put("duplicate \"name\" keys", "{\"name\":\"first\",\"name\":\"second\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(admin.apply(json(path, row.getValue())).build())));
    }
    cases.add(
        api(
            "revoking a garbage ID",
            "not_found",
            () -> api.send(admin.apply(api.request(path + "/not-a-uuid")).DELETE().build())));
    cases.add(
        api(
            "revoking an unknown ID",
            "not_found",
            () ->
                api.send(
                    admin.apply(api.request(path + "/" + UUID.randomUUID())).DELETE().build())));
    return run("POST " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // GET /api/v1/admin/audit

  @TestFactory
  Stream<DynamicTest> auditSearchRefusesEveryMalformedQueryWithAnEnvelope() {
    String path = "/api/v1/admin/audit";
    List<Case> cases = new ArrayList<>();
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("limit=abc", "limit=abc");
    queries.put("limit=1.5", "limit=1.5");
    queries.put("limit beyond int", "limit=99999999999");
    queries.put("from=notadate", "from=notadate");
    queries.put("from with month 13", "from=2026-13-01T00:00:00Z");
    queries.put("from without a zone", "from=2026-11-25T10:00:00");
    queries.put("from as epoch seconds", "from=1700000000");
    queries.put("to=yesterday", "to=yesterday");
    queries.put("correlationId=garbage", "correlationId=garbage");
    queries.put("correlationId with SQL", "correlationId=" + enc("' OR 1=1 --"));
    queries.put("correlationId of 10 000 characters", "correlationId=" + "A".repeat(10_000));
    queries.put("type=unknown", "type=unknown");
    queries.put("type in Java spelling", "type=USER_BLOCKED");
    queries.put("success=maybe", "success=maybe");
    queries.put("username with a colon", "username=a%3Ab");
    queries.put("username with CRLF", "username=a%0D%0Ab");
    queries.put("username with a NUL", "username=a%00b");
    queries.put("username of 65 characters", "username=" + "a".repeat(65));
    for (var row : queries.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(api.asAdmin(api.request(path + "?" + row.getValue())).GET().build())));
    }
    cases.add(
        api(
            "an unknown username",
            "not_found",
            () ->
                api.send(
                    api.asAdmin(api.request(path + "?username=" + newUsername("ghost")))
                        .GET()
                        .build())));
    cases.add(
        api(
            "invalid percent-encoding",
            "bad_request",
            () -> RawHttp.send(port, "GET", path + "?limit=%zz", adminAuthorization())));
    cases.add(
        api(
            "invalid UTF-8 in a parameter",
            "bad_request",
            () ->
                api.send(api.asAdmin(api.request(path + "?correlationId=%FF%FE")).GET().build())));
    cases.addAll(authorizationCases("GET", path + "?limit=1", null, null));
    cases.addAll(wrongMethods(path, List.of("POST", "PUT", "DELETE", "PATCH")));
    cases.add(
        api(
            "Accept: text/html only",
            "not_acceptable",
            () ->
                api.send(
                    api.asAdmin(api.request(path + "?limit=1"))
                        .header("Accept", "text/html")
                        .GET()
                        .build())));
    return run("GET " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/admin/users/{u}/block

  @TestFactory
  Stream<DynamicTest> blockingRefusesEveryMalformedRequestWithAnEnvelope() {
    String target = newUsername("blockme");
    api.createUser(target, "correct horse battery");
    String path = "/api/v1/admin/users/" + target + "/block";
    UnaryOperator<HttpRequest.Builder> admin = api::asAdmin;
    List<Case> cases = new ArrayList<>();
    // A body the server wrongly took would block the target, and every later case would see 409.
    cases.addAll(
        malformedJsonBodies(path, admin, "{\"reason\":\"suspicious sign-ins\"}", "reason"));
    cases.addAll(authorizationCases("POST", path, JSON, "{\"reason\":\"x\"}"));
    cases.addAll(wrongMethods(path, List.of("GET", "PUT", "DELETE", "PATCH")));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("reason a number", "{\"reason\":1}");
    bodies.put("reason an object", "{\"reason\":{}}");
    bodies.put("reason an array", "{\"reason\":[]}");
    bodies.put("reason of 501 characters", "{\"reason\":\"" + "r".repeat(501) + "\"}");
    bodies.put("duplicate \"reason\" keys", "{\"reason\":\"a\",\"reason\":\"b\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(admin.apply(json(path, row.getValue())).build())));
    }
    Map<String, String> names = new LinkedHashMap<>();
    names.put("path traversal with encoded slashes", "..%2F..%2Fapi-keys");
    names.put("path traversal with dots", "../../api-keys");
    names.put("path traversal with encoded dots", "%2e%2e");
    names.put("a semicolon path parameter", target + ";jsessionid=x");
    names.put("an encoded backslash", "a%5Cb");
    names.put("a double-encoded slash", "a%252Fb");
    names.put("an encoded CRLF", "a%0D%0Ab");
    names.put("an encoded NUL", "a%00b");
    names.put("a colon", "a:b");
    names.put("a path variable of 5000 characters", "a".repeat(5000));
    names.put("invalid UTF-8", "a%FF%FEb");
    for (var row : names.entrySet()) {
      cases.add(
          api(
              "username: " + row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      admin
                          .apply(
                              json(
                                  "/api/v1/admin/users/" + row.getValue() + "/block",
                                  "{\"reason\":\"x\"}"))
                          .build())));
    }
    cases.add(
        api(
            "username: invalid percent-encoding",
            "bad_request",
            () ->
                RawHttp.send(
                    port,
                    "POST",
                    "/api/v1/admin/users/a%zzb/block",
                    adminAuthorization(),
                    "Content-Length: 0")));
    cases.add(
        api(
            "an unknown user",
            "not_found",
            () ->
                api.send(
                    admin
                        .apply(json("/api/v1/admin/users/" + newUsername("ghost") + "/block", "{}"))
                        .build())));
    cases.add(
        api(
            "an already blocked user",
            "conflict",
            () -> {
              String blocked = newUsername("blocked");
              api.createUser(blocked, "correct horse battery");
              String blockPath = "/api/v1/admin/users/" + blocked + "/block";
              assertThat(api.send(admin.apply(json(blockPath, "{}")).build()).status())
                  .isEqualTo(200);
              return api.send(admin.apply(json(blockPath, "{\"reason\":\"again\"}")).build());
            }));
    cases.add(
        api(
            "afterwards the target is still active",
            "conflict",
            () -> {
              Response user = api.adminGet("/api/v1/admin/users/" + target);
              assertThat(user.json().path("status").asString()).isEqualTo("active");
              // Blocking it now works, and a second block is the conflict the contract names.
              assertThat(api.send(admin.apply(json(path, "{}")).build()).status()).isEqualTo(200);
              return api.send(admin.apply(json(path, "{}")).build());
            }));
    return run("POST /api/v1/admin/users/{u}/block", cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/admin/users/import

  @TestFactory
  Stream<DynamicTest> userImportRefusesEveryMalformedFileWithAnEnvelopeAndCreatesNobody() {
    String path = "/api/v1/admin/users/import";
    String canary = newUsername("canary");
    String valid = "username,display_name,admin\r\n" + canary + ",Canary,false\r\n";
    List<Case> cases = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    files.put("an empty body", "");
    files.put("only a byte order mark", "\uFEFF");
    files.put("only blank lines", "\r\n\r\n");
    files.put("only a header", "username,display_name,admin\r\n");
    files.put("whitespace as the header", "   \n" + canary + "\n");
    files.put("an unknown column", "username,password\n" + canary + ",secret\n");
    files.put("no username column", "display_name,admin\nCanary,false\n");
    files.put("a column named twice", "username,USERNAME\n" + canary + ",x\n");
    files.put("a trailing comma in the header", "username,\n" + canary + ",\n");
    files.put("a quoted field never closed", "username\n" + canary + "\n\"open\n");
    files.put("text after a closing quote", "username\n" + canary + "\n\"a\"b\n");
    files.put("a quote inside an unquoted field", "username\n" + canary + "\na\"b\n");
    files.put("a lone carriage return", "username\n" + canary + "\rother\n");
    files.put("a row with too few fields", valid + "short\r\n");
    files.put("a row with too many fields", valid + "x,y,false,extra\r\n");
    files.put("semicolons instead of commas", "username;display_name\n" + canary + ";Canary\n");
    files.put("tabs instead of commas", "username\tadmin\n" + canary + "\tfalse\n");
    files.put("a JSON body", "{\"username\":\"" + canary + "\"}");
    files.put("an HTML body", "<html><body>" + canary + "</body></html>");
    files.put("1001 users", "username\n" + (canary + "\n").repeat(1001));
    files.put("the good rows, then a broken last line", valid + "\"broken\r\n");
    for (var row : files.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> importFile(path, "text/csv", row.getValue())));
    }
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    bytes.put(
        "Latin-1 bytes",
        ("username\nJos\u00e9-" + canary + "\n").getBytes(StandardCharsets.ISO_8859_1));
    bytes.put("UTF-16 with a byte order mark", valid.getBytes(StandardCharsets.UTF_16));
    bytes.put(
        "invalid UTF-8 bytes",
        concat(valid.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe}));
    bytes.put(
        "a gzip header",
        concat(new byte[] {0x1f, (byte) 0x8b, 8, 0}, valid.getBytes(StandardCharsets.UTF_8)));
    for (var row : bytes.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      api.asAdmin(
                              raw(
                                  path,
                                  "POST",
                                  "text/csv",
                                  BodyPublishers.ofByteArray(row.getValue())))
                          .build())));
    }
    Map<String, String> types = new LinkedHashMap<>();
    types.put("as JSON", JSON);
    types.put("as text/plain", "text/plain");
    types.put("as a form", FORM);
    types.put("as multipart", "multipart/form-data; boundary=x");
    types.put("as an unparseable media type", "text/");
    for (var row : types.entrySet()) {
      cases.add(
          api(
              "the file " + row.getKey(),
              row.getKey().contains("unparseable") ? null : "unsupported_media_type",
              () -> importFile(path, row.getValue(), valid)));
    }
    cases.add(
        api("no Content-Type", "unsupported_media_type", () -> importFile(path, null, valid)));
    cases.add(
        api(
            "a 100 KB file",
            "payload_too_large",
            () ->
                importFile(path, "text/csv", valid + ("x" + "y".repeat(98) + "\n").repeat(1000))));
    cases.add(
        api(
            "a 1 MB chunked file (no Content-Length)",
            "payload_too_large",
            () -> {
              byte[] body = (valid + "z".repeat(1 << 20)).getBytes(StandardCharsets.UTF_8);
              return api.send(
                  api.asAdmin(
                          raw(
                              path,
                              "POST",
                              "text/csv",
                              BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))))
                      .build());
            }));
    cases.addAll(authorizationCases("POST", path, "text/csv", valid));
    cases.addAll(wrongMethods(path, List.of("PUT", "DELETE", "PATCH")));
    cases.add(
        api(
            "afterwards the canary of every good row was never created",
            "not_found",
            () -> api.adminGet("/api/v1/admin/users/" + canary)));
    return run("POST " + path, cases);
  }

  private Response importFile(String path, String contentType, String body) {
    return api.send(
        api.asAdmin(
                raw(
                    path,
                    "POST",
                    contentType,
                    BodyPublishers.ofString(body, StandardCharsets.UTF_8)))
            .build());
  }

  // ---------------------------------------------------------------------------------------------
  // PATCH and PUT /api/v1/admin/policy

  @TestFactory
  Stream<DynamicTest> policyChangesRefuseEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/admin/policy";
    UnaryOperator<HttpRequest.Builder> admin = api::asAdmin;
    long before = api.adminGet(path).json().path("version").asLong();
    // Valid, and a change to nothing: a body the server wrongly took would still change nothing.
    String valid = "{\"reason\":\"bad input\",\"settings\":{\"lockout.threshold\":10}}";
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies("PATCH", path, admin, valid, "reason"));
    cases.addAll(authorizationCases("PATCH", path, JSON, valid));
    cases.addAll(wrongMethods(path, List.of("POST", "DELETE")));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("an unknown field", "{\"reason\":\"x\",\"settings\":{},\"force\":true}");
    bodies.put("no settings", "{\"reason\":\"x\"}");
    bodies.put("settings an array", "{\"reason\":\"x\",\"settings\":[]}");
    bodies.put("settings a string", "{\"reason\":\"x\",\"settings\":\"lockout.threshold=5\"}");
    bodies.put("settings empty", "{\"reason\":\"x\",\"settings\":{}}");
    bodies.put("no reason", "{\"settings\":{\"lockout.threshold\":5}}");
    bodies.put("a blank reason", "{\"reason\":\"  \",\"settings\":{\"lockout.threshold\":5}}");
    bodies.put("reason a number", "{\"reason\":1,\"settings\":{\"lockout.threshold\":5}}");
    bodies.put(
        "reason of 501 characters",
        "{\"reason\":\"" + "r".repeat(501) + "\",\"settings\":{\"lockout.threshold\":5}}");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("an unknown key", "\"lockout.treshold\":5");
    settings.put("a key with a control character", "\"lockout\\u0000threshold\":5");
    settings.put("threshold 0 (below the range)", "\"lockout.threshold\":0");
    settings.put("threshold 101 (above the range)", "\"lockout.threshold\":101");
    settings.put("threshold as a string", "\"lockout.threshold\":\"5\"");
    settings.put("threshold fractional", "\"lockout.threshold\":5.5");
    settings.put("threshold in exponent form", "\"lockout.threshold\":1e3");
    settings.put("threshold beyond a long", "\"lockout.threshold\":99999999999999999999999");
    settings.put("threshold null", "\"lockout.threshold\":null");
    settings.put("threshold true", "\"lockout.threshold\":true");
    settings.put("a duration as a number", "\"registration.step-deadline\":300");
    settings.put("a duration above the range", "\"registration.step-deadline\":\"2h\"");
    settings.put("a duration in words", "\"registration.step-deadline\":\"5 minutes\"");
    settings.put("a duration in ISO form", "\"registration.step-deadline\":\"PT5M\"");
    settings.put("an unknown action", "\"push.network.rule\":\"block\"");
    settings.put("an action in capitals", "\"push.network.rule\":\"REFUSE\"");
    settings.put("methods as a string", "\"methods.allowed\":\"totp\"");
    settings.put("no method", "\"methods.allowed\":[]");
    settings.put("an unknown method", "\"methods.allowed\":[\"sms\"]");
    settings.put("backup codes as a method", "\"methods.allowed\":[\"backup_code\"]");
    settings.put("a method twice", "\"methods.allowed\":[\"totp\",\"totp\"]");
    settings.put("a method as a number", "\"methods.allowed\":[1]");
    settings.put("two methods in one string", "\"methods.allowed\":[\"totp,push\"]");
    settings.put("drift window 11", "\"totp.drift-window\":11");
    settings.put("a challenge of 11 minutes", "\"push.challenge-ttl\":\"11m\"");
    settings.put("an IPv4 prefix of 33", "\"push.network.ipv4-prefix\":33");
    settings.put("a repeated key", "\"lockout.threshold\":5,\"lockout.threshold\":6");
    for (var row : settings.entrySet()) {
      bodies.put(
          "settings: " + row.getKey(), "{\"reason\":\"x\",\"settings\":{" + row.getValue() + "}}");
    }
    bodies.put("ifVersion as a string", "{\"reason\":\"x\",\"ifVersion\":\"1\",\"settings\":{}}");
    bodies.put("ifVersion negative", "{\"reason\":\"x\",\"ifVersion\":-1,\"settings\":{}}");
    bodies.put("ifVersion fractional", "{\"reason\":\"x\",\"ifVersion\":1.5,\"settings\":{}}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      admin
                          .apply(raw(path, "PATCH", JSON, BodyPublishers.ofString(row.getValue())))
                          .build())));
    }
    cases.add(
        api(
            "ifVersion of a version that is not the current one",
            "conflict",
            () ->
                api.send(
                    admin
                        .apply(
                            raw(
                                path,
                                "PATCH",
                                JSON,
                                BodyPublishers.ofString(
                                    "{\"reason\":\"x\",\"ifVersion\":999999999,"
                                        + "\"settings\":{\"lockout.threshold\":5}}")))
                        .build())));
    cases.add(
        api(
            "PUT without ifVersion",
            "bad_request",
            () ->
                api.send(
                    admin.apply(raw(path, "PUT", JSON, BodyPublishers.ofString(valid))).build())));
    cases.add(
        api(
            "PUT with only some keys",
            "bad_request",
            () ->
                api.send(
                    admin
                        .apply(
                            raw(
                                path,
                                "PUT",
                                JSON,
                                BodyPublishers.ofString(
                                    "{\"reason\":\"x\",\"ifVersion\":"
                                        + before
                                        + ",\"settings\":{\"lockout.threshold\":5}}")))
                        .build())));
    cases.add(
        api(
            "afterwards the policy is unchanged",
            "bad_request",
            () -> {
              assertThat(api.adminGet(path).json().path("version").asLong()).isEqualTo(before);
              return api.send(
                  admin.apply(raw(path, "PATCH", JSON, BodyPublishers.ofString("{}"))).build());
            }));
    return run("PATCH/PUT " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // GET /api/v1/admin/policy/history

  @TestFactory
  Stream<DynamicTest> policyHistoryRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/admin/policy/history";
    List<Case> cases = new ArrayList<>();
    cases.addAll(authorizationCases("GET", path, null, null));
    cases.addAll(wrongMethods(path, List.of("POST", "PUT", "DELETE", "PATCH")));
    Map<String, String> limits = new LinkedHashMap<>();
    limits.put("zero", "0");
    limits.put("negative", "-1");
    limits.put("above the maximum", "1001");
    limits.put("far above the maximum", "99999999999999999999");
    limits.put("a word", "ten");
    limits.put("fractional", "1.5");
    limits.put("exponent", "1e3");
    limits.put("hexadecimal", "0x10");
    limits.put("a space", "%20");
    limits.put("leading plus", "%2B5");
    limits.put("an encoded NUL", "5%00");
    limits.put("an encoded CRLF", "5%0D%0A");
    limits.put("invalid UTF-8", "%FF%FE");
    limits.put("5000 digits", "1".repeat(5000));
    limits.put("full-width digits", "%EF%BC%95");
    limits.put("a list", "1,2");
    for (var row : limits.entrySet()) {
      cases.add(
          api(
              "limit " + row.getKey(),
              "bad_request",
              () -> api.adminGet(path + "?limit=" + row.getValue())));
    }
    cases.add(
        api(
            "limit with invalid percent-encoding",
            "bad_request",
            () -> RawHttp.send(port, "GET", path + "?limit=%zz", adminAuthorization())));
    return run("GET " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /login

  @TestFactory
  Stream<DynamicTest> signInRefusesEveryMalformedFormWithTheErrorPage() {
    String username = newUsername("signin");
    api.createUser(username, "correct horse battery");
    List<Case> cases = new ArrayList<>();
    Map<String, Map<String, String>> forms = new LinkedHashMap<>();
    forms.put("wrong password", Map.of("username", username, "password", "wrong password!"));
    forms.put("unknown user", Map.of("username", newUsername("ghost"), "password", "whatever1"));
    forms.put("no fields", Map.of());
    forms.put("empty username", Map.of("username", "", "password", "correct horse battery"));
    forms.put("username with CRLF", Map.of("username", username + "\r\nadmin", "password", "x"));
    forms.put("username with a NUL", Map.of("username", username + "\u0000", "password", "x"));
    forms.put("username with a control character", Map.of("username", "a\u0007", "password", "x"));
    forms.put("username with a colon", Map.of("username", "a:b", "password", "x"));
    forms.put("username of 201 characters", Map.of("username", "a".repeat(201), "password", "x"));
    forms.put("username of 50 KB", Map.of("username", "a".repeat(50_000), "password", "x"));
    forms.put(
        "password of 1001 characters", Map.of("username", username, "password", "p".repeat(1001)));
    forms.put("SQL injection", Map.of("username", "' OR '1'='1' --", "password", "' OR '1'='1"));
    forms.put(
        "full-width username, wrong password",
        Map.of("username", fullWidth(username), "password", "wrong password!"));
    forms.put("username with a zero-width space", Map.of("username", "a\u200bb", "password", "x"));
    for (var row : forms.entrySet()) {
      cases.add(
          page(
              row.getKey(),
              "unauthorized",
              () -> {
                WizardClient browser = new WizardClient(baseUrl());
                browser.get("/login");
                return answer(browser.post("/login", row.getValue()));
              }));
    }
    Map<String, String> rawForms = new LinkedHashMap<>();
    rawForms.put("username given twice", "username=" + enc(username) + "&username=x&password=y");
    rawForms.put("a field without a value", "username&password");
    // Tomcat cannot decode these forms at all: refused before the password is checked.
    rawForms.put("invalid UTF-8 in a field", "username=%FF%FE&password=x");
    rawForms.put("invalid percent-encoding", "username=%zz&password=x");
    for (var row : rawForms.entrySet()) {
      cases.add(
          page(
              row.getKey(),
              row.getKey().startsWith("invalid") ? "bad_request" : "unauthorized",
              () -> {
                WizardClient browser = new WizardClient(baseUrl());
                browser.get("/login");
                return answer(
                    browser.send(
                        form(
                            browser,
                            "/login",
                            "_csrf=" + enc(browser.csrf()) + "&" + row.getValue(),
                            FORM)));
              }));
    }
    cases.addAll(
        pageFormCases(
            "/login",
            () -> {
              WizardClient browser = new WizardClient(baseUrl());
              browser.get("/login");
              return browser;
            },
            "username=x&password=y",
            "unauthorized"));
    return run("POST /login", cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /register/confirm

  @TestFactory
  Stream<DynamicTest> registrationConfirmationRefusesEveryMalformedFormWithTheErrorPage() {
    List<Case> cases = new ArrayList<>();
    Rotating<PendingSession> sessions = new Rotating<>(this::pendingRegistration);
    Map<String, String> enrollments = new LinkedHashMap<>();
    enrollments.put("enrollment empty", "");
    enrollments.put("enrollment garbage", "not-a-uuid");
    enrollments.put("enrollment with SQL", "' OR '1'='1");
    enrollments.put("enrollment of 5000 characters", "e".repeat(5000));
    enrollments.put("enrollment with CRLF", "a\r\nb");
    for (var row : enrollments.entrySet()) {
      cases.add(
          page(
              row.getKey(),
              "bad_request",
              () -> {
                PendingSession s = sessions.get();
                return answer(
                    s.browser()
                        .post(
                            "/register/confirm",
                            Map.of("enrollment", row.getValue(), "code", "123456")));
              }));
    }
    cases.add(
        page(
            "enrollment missing",
            "bad_request",
            () -> {
              PendingSession s = sessions.get();
              return answer(s.browser().post("/register/confirm", Map.of("code", "123456")));
            }));
    cases.add(
        page(
            "an unknown enrollment",
            "not_found",
            () -> {
              PendingSession s = sessions.get();
              return answer(s.browser().confirm(UUID.randomUUID(), "123456"));
            }));
    cases.add(
        page(
            "another user's enrollment, with its right code (A2)",
            "forbidden",
            () -> {
              PendingSession mine = pendingRegistration();
              PendingSession theirs = pendingRegistration();
              String theirCode = WizardClient.code(theirs.pending().secret(), clock.instant());
              return answer(mine.browser().confirm(theirs.pending().enrollmentId(), theirCode));
            }));
    // Codes that are not six ASCII digits; the lookalikes are the right code in other digits.
    Map<String, Function<String, String>> codes = new LinkedHashMap<>();
    codes.put("empty code", right -> "");
    codes.put("5-digit code", right -> right.substring(0, 5));
    codes.put("7-digit code", right -> right + "0");
    codes.put("8-digit code", right -> right + "00");
    codes.put("100-digit code", right -> right.repeat(17).substring(0, 100));
    codes.put("letters", right -> "abcdef");
    codes.put(
        "the right code with a space inside",
        right -> right.substring(0, 3) + " " + right.substring(3));
    codes.put("the right code in full-width digits", BadInputIT::fullWidth);
    codes.put("the right code in Arabic-Indic digits", BadInputIT::arabicIndic);
    codes.put("the right code with a plus sign", right -> "+" + right);
    codes.put("the right code with a NUL", right -> right + "\u0000");
    for (var row : codes.entrySet()) {
      cases.add(
          page(
              row.getKey(),
              "invalid_code",
              () -> {
                PendingSession s = sessions.get();
                String right = WizardClient.code(s.pending().secret(), clock.instant());
                return answer(
                    s.browser().confirm(s.pending().enrollmentId(), row.getValue().apply(right)));
              }));
    }
    cases.add(
        page(
            "code missing",
            "invalid_code",
            () -> {
              PendingSession s = sessions.get();
              return answer(
                  s.browser()
                      .post(
                          "/register/confirm",
                          Map.of("enrollment", s.pending().enrollmentId().toString())));
            }));
    cases.add(
        page(
            "code given twice",
            "invalid_code",
            () -> {
              PendingSession s = sessions.get();
              String right = WizardClient.code(s.pending().secret(), clock.instant());
              String body =
                  "_csrf="
                      + enc(s.browser().csrf())
                      + "&enrollment="
                      + s.pending().enrollmentId()
                      + "&code="
                      + right
                      + "&code="
                      + right;
              return answer(s.browser().send(form(s.browser(), "/register/confirm", body, FORM)));
            }));
    cases.add(
        page(
            "invalid UTF-8 in the code (the form cannot be decoded)",
            "bad_request",
            () -> {
              PendingSession s = sessions.get();
              String body =
                  "_csrf="
                      + enc(s.browser().csrf())
                      + "&enrollment="
                      + s.pending().enrollmentId()
                      + "&code=%FF%FE";
              return answer(s.browser().send(form(s.browser(), "/register/confirm", body, FORM)));
            }));
    cases.add(
        page(
            "JSON instead of a form (CSRF in the query)",
            "bad_request",
            () -> {
              PendingSession s = sessions.get();
              return answer(
                  s.browser()
                      .send(
                          s.browser()
                              .request("/register/confirm?_csrf=" + enc(s.browser().csrf()))
                              .header("Content-Type", JSON)
                              .POST(
                                  BodyPublishers.ofString(
                                      "{\"enrollment\":\"" + s.pending().enrollmentId() + "\"}"))
                              .build()));
            }));
    cases.add(
        page(
            "a blocked user with the right code",
            "user_blocked",
            () -> {
              PendingSession s = pendingRegistration();
              api.adminPost(
                  "/api/v1/admin/users/" + s.username() + "/block", Map.of("reason", "test"));
              String right = WizardClient.code(s.pending().secret(), clock.instant());
              return answer(s.browser().confirm(s.pending().enrollmentId(), right));
            }));
    cases.addAll(
        pageFormCases(
            "/register/confirm",
            () -> sessions.get().browser(),
            "enrollment=" + UUID.randomUUID() + "&code=123456",
            "not_found"));
    cases.add(
        page(
            "GET instead of POST",
            "method_not_allowed",
            () -> {
              PendingSession s = sessions.get();
              return answer(s.browser().get("/register/confirm"));
            }));
    return run("POST /register/confirm", cases);
  }

  // ---------------------------------------------------------------------------------------------
  // Correlation IDs everywhere

  @Test
  void everyResponseCarriesItsOwnCorrelationId() {
    WizardClient browser = new WizardClient(baseUrl());
    Map<String, Supplier<Page>> requests = new LinkedHashMap<>();
    requests.put("GET /login", () -> browser.get("/login"));
    requests.put("GET /css/latchkey.css", () -> browser.get("/css/latchkey.css"));
    requests.put("GET /js/latchkey.js", () -> browser.get("/js/latchkey.js"));
    requests.put("GET /favicon.ico", () -> browser.get("/favicon.ico"));
    requests.put("GET /css/missing.css", () -> browser.get("/css/missing.css"));
    requests.put("GET /register (redirect)", () -> browser.get("/register"));
    requests.put("GET /no-such-page", () -> browser.get("/no-such-page"));
    requests.put("GET /api/no-such-thing", () -> browser.get("/api/no-such-thing"));
    requests.put("GET /api/openapi.json", () -> browser.get("/api/openapi.json"));
    requests.put("GET /actuator/health", () -> browser.get("/actuator/health"));
    requests.put("GET /error", () -> browser.get("/error"));
    requests.put(
        "HEAD /login",
        () ->
            browser.send(
                browser.request("/login").method("HEAD", BodyPublishers.noBody()).build()));
    requests.put(
        "OPTIONS /api/v1/verify",
        () ->
            browser.send(
                browser
                    .request("/api/v1/verify")
                    .method("OPTIONS", BodyPublishers.noBody())
                    .build()));
    // URIs Tomcat itself refuses, before any filter (ContainerErrorValve answers them).
    requests.put("GET /register/a%2Fb (encoded slash)", () -> browser.get("/register/a%2Fb"));
    requests.put("GET /login%00 (encoded NUL)", () -> browser.get("/login%00"));
    requests.put("GET /api/v1/admin/users (no auth)", () -> browser.get("/api/v1/admin/users"));
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (var request : requests.entrySet()) {
      Page page = request.getValue().get();
      String id = page.correlationId();
      if (id == null || !Envelopes.CORRELATION_ID.matcher(id).matches()) {
        problems.add(request.getKey() + " (" + page.status() + "): X-Correlation-Id is " + id);
      } else if (!seen.add(id)) {
        problems.add(request.getKey() + ": correlation ID " + id + " was already used");
      }
      if (page.status() >= 500) {
        problems.add(request.getKey() + ": status " + page.status());
      }
    }
    // Static files exist and are served: the loop above saw real successes, not only errors.
    assertThat(browser.get("/css/latchkey.css").status()).isEqualTo(200);
    assertThat(problems).isEmpty();
    assertThat(seen).hasSize(requests.size());
  }

  @Test
  void aUriTomcatRefusesGetsTheEnvelopeToo() {
    // Refused by Tomcat before any filter runs; the API answers JSON, pages the error page.
    Envelopes.assertJsonError(RawHttp.send(port, "GET", "/api/v1/admin/users/a%zz"), "bad_request");
    Envelopes.assertJsonError(
        RawHttp.send(port, "GET", "/api/v1/admin/users/a%2Fb"), "bad_request");
    Response page = RawHttp.send(port, "GET", "/register/a%00b", "Accept-Language: ja");
    assertThat(
            Envelopes.pageProblems(
                page.status(),
                page.correlationId(),
                page.contentType(),
                page.body(),
                "bad_request"))
        .as(page.body())
        .isEmpty();
    assertThat(page.body()).contains("lang=\"ja\"");

    // Over the 16 KB header limit Tomcat cannot even parse the request; it is still answered
    // with a correlation ID, and the body carries the same ID.
    for (Response tooBig :
        List.of(
            RawHttp.send(port, "GET", "/api/v1/admin/users/" + "a".repeat(20_000)),
            RawHttp.send(port, "GET", "/login", "X-Padding: " + "b".repeat(20_000)))) {
      assertThat(tooBig.status()).isEqualTo(400);
      assertThat(tooBig.correlationId()).matches(Envelopes.CORRELATION_ID);
      assertThat(tooBig.body()).contains(tooBig.correlationId()).doesNotContain("Exception");
    }
  }

  @Test
  void aCodeWithALeadingZeroIsAcceptedOnlyAsAString() {
    String token = api.createApiKey("leading-zero-app");
    UnaryOperator<HttpRequest.Builder> app = b -> b.header("Authorization", "Bearer " + token);
    EnrolledUser user = enroll("zero");
    // Move on step by step (never back) until the authenticator shows a code starting with 0.
    String code;
    int steps = 0;
    do {
      clock.nextStep(30);
      code = WizardClient.code(user.secret(), clock.instant());
      steps++;
    } while (!code.startsWith("0") && steps < 200);
    assertThat(code).startsWith("0");
    String name = quote(user.username());
    Response asNumber =
        verify(app, "{\"username\":" + name + ",\"code\":" + Integer.parseInt(code) + "}");
    Envelopes.assertJsonError(asNumber, "bad_request");
    Response asNumberWithZero = verify(app, "{\"username\":" + name + ",\"code\":" + code + "}");
    Envelopes.assertJsonError(asNumberWithZero, "bad_request");
    Response withoutZero = verifyFields(app, user.username(), code.substring(1));
    Envelopes.assertJsonError(withoutZero, "bad_request");
    Response asString = verifyFields(app, user.username(), code);
    assertThat(asString.status()).as(asString.body()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/push/challenges and GET /api/v1/push/challenges/{id}

  @TestFactory
  Stream<DynamicTest> pushChallengeCreationRefusesEveryMalformedRequestWithAnEnvelope() {
    String token = api.createApiKey("bad-input-push-app");
    UnaryOperator<HttpRequest.Builder> app = b -> b.header("Authorization", "Bearer " + token);
    String path = "/api/v1/push/challenges";
    String codesOnly = newUsername("codes-only");
    api.createUser(codesOnly, "correct horse battery");
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, app, "{\"username\":\"nobody\"}", "username"));
    cases.addAll(authorizationCases("POST", path, JSON, "{\"username\":\"x\"}"));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("username missing", "{}");
    bodies.put("username null", "{\"username\":null}");
    bodies.put("username a number", "{\"username\":1}");
    bodies.put("username an array", "{\"username\":[\"a\"]}");
    bodies.put("username of 201 characters", "{\"username\":\"" + "u".repeat(201) + "\"}");
    bodies.put("application a number", "{\"username\":\"x\",\"application\":5}");
    bodies.put(
        "application of 101 characters",
        "{\"username\":\"x\",\"application\":\"" + "a".repeat(101) + "\"}");
    bodies.put("application with CRLF", "{\"username\":\"x\",\"application\":\"a\\r\\nFake: b\"}");
    bodies.put(
        "application with an escape sequence",
        "{\"username\":\"x\",\"application\":\"\\u001b[31mred\"}");
    bodies.put("ip not an address", "{\"username\":\"x\",\"ip\":\"<script>\"}");
    bodies.put("ip a number", "{\"username\":\"x\",\"ip\":127001}");
    bodies.put("ip of 46 characters", "{\"username\":\"x\",\"ip\":\"" + "1".repeat(46) + "\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(app.apply(json(path, row.getValue())).build())));
    }
    cases.add(
        api(
            "an unknown user",
            "not_found",
            () ->
                api.send(
                    app.apply(json(path, "{\"username\":\"" + newUsername("ghost") + "\"}"))
                        .build())));
    cases.add(
        api(
            "a user without a push device",
            "not_enrolled",
            () -> api.send(app.apply(json(path, "{\"username\":\"" + codesOnly + "\"}")).build())));
    for (String query :
        List.of("?wait=-1", "?wait=31", "?wait=abc", "?wait=1e3", "?wait=99999999999")) {
      cases.add(
          api(
              "status " + query,
              "bad_request",
              () ->
                  api.send(
                      app.apply(api.request(path + "/" + UUID.randomUUID() + query))
                          .GET()
                          .build())));
    }
    cases.add(
        api(
            "status of a garbage ID",
            "not_found",
            () -> api.send(app.apply(api.request(path + "/not-a-uuid")).GET().build())));
    cases.add(
        api(
            "status of an unknown ID",
            "not_found",
            () -> api.send(app.apply(api.request(path + "/" + UUID.randomUUID())).GET().build())));
    return run("POST " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/device/activate

  @TestFactory
  Stream<DynamicTest> deviceActivationRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/device/activate";
    io.latchkey.core.push.KeyAlgorithm ed = io.latchkey.core.push.KeyAlgorithm.ED25519;
    java.security.KeyPair keys = ed.generate();
    String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    String valid =
        "{\"code\":\"ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345\",\"name\":\"phone\",\"keyAlgorithm\":\"ed25519\","
            + "\"publicKey\":\""
            + publicKey
            + "\",\"posture\":{\"rooted\":false}}";
    Function<String, HttpRequest.Builder> signed =
        body -> {
          long now = clock.instant().getEpochSecond();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          byte[] signature =
              ed.sign(
                  keys.getPrivate(),
                  io.latchkey.core.push.DeviceSignatures.request("POST", path, now, bytes));
          return raw(path, "POST", JSON, BodyPublishers.ofByteArray(bytes))
              .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
              .header(
                  io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER,
                  Base64.getEncoder().encodeToString(signature));
        };
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, UnaryOperator.identity(), valid, "code"));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("code missing", valid.replace("\"code\":", "\"kode\":"));
    fields.put("code a number", valid.replace("\"ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345\"", "12345"));
    fields.put("name empty", valid.replace("\"phone\"", "\"\""));
    fields.put("name with a newline", valid.replace("\"phone\"", "\"ph\\none\""));
    fields.put("name of 101 characters", valid.replace("\"phone\"", "\"" + "p".repeat(101) + "\""));
    fields.put("an unknown key algorithm", valid.replace("\"ed25519\"", "\"rsa\""));
    fields.put("publicKey not Base64", valid.replace(publicKey, "%%%not base64%%%"));
    fields.put("posture a string", valid.replace("{\"rooted\":false}", "\"secure\""));
    fields.put(
        "posture rooted a string", valid.replace("{\"rooted\":false}", "{\"rooted\":\"no\"}"));
    fields.put(
        "posture deviceClock not a time",
        valid.replace("{\"rooted\":false}", "{\"deviceClock\":\"yesterday\"}"));
    fields.put(
        "posture appVersion of 65 characters",
        valid.replace("{\"rooted\":false}", "{\"appVersion\":\"" + "1".repeat(65) + "\"}"));
    for (var row : fields.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> api.send(signed.apply(row.getValue()).build())));
    }
    cases.add(api("unsigned", "unauthorized", () -> api.send(json(path, valid).build())));
    cases.add(
        api(
            "a signature that is not Base64",
            "unauthorized",
            () ->
                api.send(
                    json(path, valid)
                        .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, "1")
                        .header(io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER, "***")
                        .build())));
    cases.add(
        api(
            "a timestamp that is not a number",
            "unauthorized",
            () ->
                api.send(
                    json(path, valid)
                        .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, "now")
                        .header(io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER, "AAAA")
                        .build())));
    cases.add(
        api(
            "a well-formed but unknown activation code",
            "invalid_code",
            () -> api.send(signed.apply(valid).build())));
    return run("POST " + path, cases);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/device/challenges/{id}/answer

  @TestFactory
  Stream<DynamicTest> pushAnswersRefuseEveryMalformedRequestWithAnEnvelope() {
    io.latchkey.server.testing.Phone phone = io.latchkey.server.testing.Phone.compliant(clock);
    String username = newUsername("bad-answer");
    io.latchkey.server.testing.PushWizard.register(api, username, phone);
    String token = api.createApiKey("bad-input-answers");
    String challenge = api.createChallenge(token, username).path("challengeId").asString();
    String deviceId = phone.deviceKey().deviceId();
    String path = "/api/v1/device/challenges/" + challenge + "/answer";
    String signature = Base64.getEncoder().encodeToString(new byte[64]);
    String valid =
        "{\"deviceId\":\""
            + deviceId
            + "\",\"decision\":\"approve\",\"number\":\"123\",\"signature\":\""
            + signature
            + "\"}";
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, UnaryOperator.identity(), valid, "decision"));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("deviceId missing", valid.replace("\"deviceId\":", "\"device\":"));
    fields.put("deviceId not an ID", valid.replace(deviceId, "phone-1"));
    fields.put("deviceId a number", valid.replace("\"" + deviceId + "\"", "7"));
    fields.put("decision unknown", valid.replace("\"approve\"", "\"maybe\""));
    fields.put("decision upper case", valid.replace("\"approve\"", "\"APPROVE\""));
    fields.put("number a JSON number", valid.replace("\"123\"", "123"));
    fields.put("number of 17 characters", valid.replace("\"123\"", "\"" + "1".repeat(17) + "\""));
    fields.put("signature missing", valid.replace("\"signature\":", "\"sig\":"));
    fields.put("signature not Base64", valid.replace(signature, "!!"));
    for (var row : fields.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> api.send(json(path, row.getValue()).build())));
    }
    cases.add(
        api(
            "a signature that does not verify",
            "unauthorized",
            () -> api.send(json(path, valid).build())));
    cases.add(
        api(
            "an unknown device",
            "unauthorized",
            () ->
                api.send(
                    json(path, valid.replace(deviceId, UUID.randomUUID().toString())).build())));
    cases.add(
        api(
            "an unknown challenge",
            "not_found",
            () ->
                api.send(
                    json("/api/v1/device/challenges/" + UUID.randomUUID() + "/answer", valid)
                        .build())));
    cases.add(
        api(
            "an encoded slash in the challenge ID (the firewall refuses it)",
            "bad_request",
            () ->
                api.send(json("/api/v1/device/challenges/..%2F..%2Fadmin/answer", valid).build())));
    cases.add(
        api(
            "a garbage challenge ID",
            "not_found",
            () -> api.send(json("/api/v1/device/challenges/not-a-uuid/answer", valid).build())));
    cases.add(
        api(
            "GET instead of POST",
            "method_not_allowed",
            () -> api.send(api.request(path).GET().build())));
    return run("POST /api/v1/device/challenges/{id}/answer", cases);
  }

  // ---------------------------------------------------------------------------------------------
  // GET /api/v1/device/time

  /** An endpoint without input: it can only be asked the wrong way or at the wrong address. */
  @TestFactory
  Stream<DynamicTest> deviceTimeRefusesEveryWrongRequestWithAnEnvelope() {
    String path = "/api/v1/device/time";
    List<Case> cases =
        new ArrayList<>(wrongMethods(path, List.of("POST", "PUT", "DELETE", "PATCH")));
    for (String accept :
        List.of("text/html", "application/xml", "image/png", "text/event-stream")) {
      cases.add(
          api(
              "Accept: " + accept + " only",
              "not_acceptable",
              () -> api.send(api.request(path).header("Accept", accept).GET().build())));
    }
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("an encoded slash", path + "/..%2F..%2Fadmin");
    refused.put("path traversal with dots", path + "/../../admin/users");
    refused.put("path traversal with encoded dots", path + "/%2e%2e");
    refused.put("a semicolon path parameter", path + ";jsessionid=x");
    refused.put("an encoded backslash", path + "%5Cx");
    refused.put("a double-encoded slash", path + "%252Fx");
    refused.put("an encoded CRLF", path + "%0D%0A");
    refused.put("an encoded NUL", path + "%00");
    refused.put("invalid UTF-8", path + "%FF%FE");
    for (var row : refused.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () -> api.send(api.request(row.getValue()).GET().build())));
    }
    cases.add(
        api(
            "invalid percent-encoding",
            "bad_request",
            () -> RawHttp.send(port, "GET", path + "%zz")));
    for (String wrong :
        List.of(path + "/", path + "/now", path + "s", "/api/v1/device/TIME", path + ".json")) {
      cases.add(api(wrong, "not_found", () -> api.send(api.request(wrong).GET().build())));
    }
    return run("GET " + path, cases, 20);
  }

  // --- cloud-backup ---
  // POST /api/v1/user/sessions, PUT /api/v1/user/backup, POST /api/v1/user/devices/{id}/rebind

  /** A user with a TOTP method and a user API token (the registration's step is used up). */
  private record TokenUser(EnrolledUser user, String token) {}

  private TokenUser tokenUser(String prefix) {
    EnrolledUser user = enroll(prefix);
    clock.nextStep(30);
    String code = WizardClient.code(user.secret(), clock.instant());
    return new TokenUser(
        user, new io.latchkey.server.testing.UserApiClient(api).token(user.username(), code));
  }

  @TestFactory
  Stream<DynamicTest> userSignInRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/user/sessions";
    String valid = "{\"username\":\"nobody\",\"password\":\"x\",\"code\":\"123456\"}";
    Rotating<EnrolledUser> users = new Rotating<>(() -> enroll("bad-session"));
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, UnaryOperator.identity(), valid, "username"));
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("username missing", "{\"password\":\"x\",\"code\":\"123456\"}");
    bodies.put("password missing", "{\"username\":\"x\",\"code\":\"123456\"}");
    bodies.put("code missing", "{\"username\":\"x\",\"password\":\"x\"}");
    bodies.put("username a number", "{\"username\":7,\"password\":\"x\",\"code\":\"123456\"}");
    bodies.put("password a number", "{\"username\":\"x\",\"password\":7,\"code\":\"123456\"}");
    bodies.put("password null", "{\"username\":\"x\",\"password\":null,\"code\":\"123456\"}");
    bodies.put("code a JSON number", "{\"username\":\"x\",\"password\":\"x\",\"code\":123456}");
    bodies.put("code an array", "{\"username\":\"x\",\"password\":\"x\",\"code\":[\"1\"]}");
    bodies.put(
        "username of 201 characters",
        "{\"username\":\"" + "u".repeat(201) + "\",\"password\":\"x\",\"code\":\"123456\"}");
    bodies.put(
        "password of 1001 characters",
        "{\"username\":\"x\",\"password\":\"" + "p".repeat(1001) + "\",\"code\":\"123456\"}");
    bodies.put(
        "code of 65 characters",
        "{\"username\":\"x\",\"password\":\"x\",\"code\":\"" + "1".repeat(65) + "\"}");
    bodies.put(
        "a repeated name",
        "{\"username\":\"x\",\"username\":\"y\",\"password\":\"x\",\"code\":\"1\"}");
    for (var row : bodies.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> api.send(json(path, row.getValue()).build())));
    }
    // Before the password is proven: one answer for everything.
    cases.add(
        api(
            "an unknown user",
            "unauthorized",
            () -> api.send(json(path, valid.replace("nobody", newUsername("ghost"))).build())));
    cases.add(
        api(
            "a username with a control character",
            "unauthorized",
            () -> api.send(json(path, valid.replace("nobody", "a\\u0007b")).build())));
    cases.add(
        api(
            "SQL in the username",
            "unauthorized",
            () -> api.send(json(path, valid.replace("nobody", "' OR '1'='1")).build())));
    // After it: a code of the wrong shape is bad_request (and counts as a failed attempt).
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("a 5-digit code", "12345");
    codes.put("a code of letters", "abcdef");
    codes.put("full-width digits", "１２３４５６");
    codes.put("a code with a NUL", "12345\u0000");
    for (var row : codes.entrySet()) {
      cases.add(
          api(
              row.getKey() + " after the right password",
              "bad_request",
              () ->
                  api.send(
                      json(
                              path,
                              Api.JSON.writeValueAsString(
                                  Map.of(
                                      "username",
                                      users.get().username(),
                                      "password",
                                      "correct horse battery",
                                      "code",
                                      row.getValue())))
                          .build())));
    }
    cases.add(
        api(
            "GET instead of POST (no token)",
            "unauthorized",
            () -> api.send(api.request(path).GET().build())));
    return run("POST " + path, cases);
  }

  @TestFactory
  Stream<DynamicTest> userBackupRefusesEveryMalformedRequestWithAnEnvelope() {
    String path = "/api/v1/user/backup";
    String octets = "application/octet-stream";
    TokenUser holder = tokenUser("bad-backup");
    UnaryOperator<HttpRequest.Builder> user =
        b -> b.header("Authorization", "Bearer " + holder.token());
    byte[] blob = "LKBACKUP opaque test bytes".getBytes(StandardCharsets.UTF_8);
    Function<Map<String, String>, Response> put =
        headers -> {
          HttpRequest.Builder builder =
              user.apply(raw(path, "PUT", octets, BodyPublishers.ofByteArray(blob)));
          headers.forEach(builder::header);
          return api.send(builder.build());
        };
    List<Case> cases = new ArrayList<>();
    Map<String, String> ifMatch = new LinkedHashMap<>();
    ifMatch.put("If-Match unquoted", "1");
    ifMatch.put("If-Match weak", "W/\"1\"");
    ifMatch.put("If-Match zero", "\"0\"");
    ifMatch.put("If-Match negative", "\"-1\"");
    ifMatch.put("If-Match with a leading zero", "\"01\"");
    ifMatch.put("If-Match letters", "\"abc\"");
    ifMatch.put("If-Match a list", "\"1\", \"2\"");
    ifMatch.put("If-Match of 20 digits", "\"" + "9".repeat(20) + "\"");
    ifMatch.put("If-Match empty quotes", "\"\"");
    ifMatch.put("If-Match blank", " ");
    ifMatch.put("If-Match with a space inside", "\"1 2\"");
    ifMatch.put("If-Match SQL", "\"1' OR '1'='1\"");
    for (var row : ifMatch.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> put.apply(Map.of("If-Match", row.getValue()))));
    }
    cases.add(
        api(
            "If-None-Match a version",
            "bad_request",
            () -> put.apply(Map.of("If-None-Match", "\"1\""))));
    cases.add(
        api(
            "If-None-Match weak *",
            "bad_request",
            () -> put.apply(Map.of("If-None-Match", "W/*"))));
    cases.add(
        api(
            "both If-Match and If-None-Match",
            "bad_request",
            () -> put.apply(Map.of("If-Match", "\"1\"", "If-None-Match", "*"))));
    cases.add(api("no precondition", "bad_request", () -> put.apply(Map.of())));
    cases.add(
        api(
            "an empty body",
            "bad_request",
            () ->
                api.send(
                    user.apply(raw(path, "PUT", octets, BodyPublishers.noBody()))
                        .header("If-None-Match", "*")
                        .build())));
    cases.add(
        api(
            "a version that does not exist",
            "backup_stale",
            () -> put.apply(Map.of("If-Match", "\"999\""))));
    byte[] tooBig = new byte[1024 * 1024 + 1];
    cases.add(
        api(
            "a body one byte over the cap",
            "payload_too_large",
            () ->
                api.send(
                    user.apply(raw(path, "PUT", octets, BodyPublishers.ofByteArray(tooBig)))
                        .header("If-None-Match", "*")
                        .build())));
    byte[] huge = new byte[4 * 1024 * 1024];
    cases.add(
        api(
            "a 4 MB chunked body (no Content-Length)",
            "payload_too_large",
            () ->
                api.send(
                    user.apply(
                            raw(
                                path,
                                "PUT",
                                octets,
                                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))))
                        .header("If-None-Match", "*")
                        .build())));
    Map<String, String> types = new LinkedHashMap<>();
    types.put("Content-Type JSON", JSON);
    types.put("Content-Type text/plain", "text/plain");
    types.put("Content-Type form-encoded", FORM);
    types.put("Content-Type garbage", "garbage");
    types.put("Content-Type image/png", "image/png");
    // (No Content-Type at all is read as application/octet-stream, as HTTP allows.)
    for (var row : types.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "unsupported_media_type",
              () ->
                  api.send(
                      user.apply(raw(path, "PUT", row.getValue(), BodyPublishers.ofByteArray(blob)))
                          .header("If-None-Match", "*")
                          .build())));
    }
    cases.addAll(authorizationCases("PUT", path, octets, "opaque"));
    cases.add(
        api(
            "an application's API key",
            "forbidden",
            () ->
                api.send(
                    raw(path, "PUT", octets, BodyPublishers.ofByteArray(blob))
                        .header("Authorization", "Bearer " + api.createApiKey("not-a-user"))
                        .header("If-None-Match", "*")
                        .build())));
    cases.add(
        api(
            "a signed-out user token",
            "unauthorized",
            () -> {
              TokenUser gone = tokenUser("bad-backup-gone");
              new io.latchkey.server.testing.UserApiClient(api).signOut(gone.token());
              return api.send(
                  raw(path, "PUT", octets, BodyPublishers.ofByteArray(blob))
                      .header("Authorization", "Bearer " + gone.token())
                      .header("If-None-Match", "*")
                      .build());
            }));
    cases.add(
        api(
            "a user token of 300 characters",
            "unauthorized",
            () ->
                api.send(
                    api.request(path)
                        .header("Authorization", "Bearer lku_" + "A".repeat(296))
                        .GET()
                        .build())));
    for (String method : List.of("POST", "PATCH", "DELETE")) {
      cases.add(
          api(
              method + " instead of PUT",
              "method_not_allowed",
              () ->
                  api.send(
                      user.apply(raw(path, method, octets, BodyPublishers.ofByteArray(blob)))
                          .build())));
    }
    cases.add(
        api(
            "GET with Accept: text/html only",
            "not_acceptable",
            () ->
                api.send(
                    user.apply(api.request(path)).header("Accept", "text/html").GET().build())));
    return run("PUT " + path, cases);
  }

  @TestFactory
  Stream<DynamicTest> pushRebindRefusesEveryMalformedRequestWithAnEnvelope() {
    TokenUser holder = tokenUser("bad-rebind");
    UnaryOperator<HttpRequest.Builder> user =
        b -> b.header("Authorization", "Bearer " + holder.token());
    String path = "/api/v1/user/devices/" + UUID.randomUUID() + "/rebind";
    io.latchkey.core.push.KeyAlgorithm ed = io.latchkey.core.push.KeyAlgorithm.ED25519;
    java.security.KeyPair keys = ed.generate();
    String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    String valid =
        "{\"keyAlgorithm\":\"ed25519\",\"publicKey\":\""
            + publicKey
            + "\",\"posture\":{\"rooted\":false}}";
    Function<String, HttpRequest.Builder> signed =
        body -> {
          long now = clock.instant().getEpochSecond();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          byte[] signature =
              ed.sign(
                  keys.getPrivate(),
                  io.latchkey.core.push.DeviceSignatures.request("POST", path, now, bytes));
          return user.apply(raw(path, "POST", JSON, BodyPublishers.ofByteArray(bytes)))
              .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
              .header(
                  io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER,
                  Base64.getEncoder().encodeToString(signature));
        };
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedJsonBodies(path, user, valid, "keyAlgorithm"));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("keyAlgorithm missing", valid.replace("\"keyAlgorithm\":", "\"algorithm\":"));
    fields.put("keyAlgorithm unknown", valid.replace("\"ed25519\"", "\"rsa\""));
    fields.put("keyAlgorithm a number", valid.replace("\"ed25519\"", "25519"));
    fields.put("publicKey missing", valid.replace("\"publicKey\":", "\"key\":"));
    fields.put("publicKey not Base64", valid.replace(publicKey, "%%%"));
    fields.put("posture a string", valid.replace("{\"rooted\":false}", "\"fine\""));
    fields.put("posture rooted a string", valid.replace("false}", "\"no\"}"));
    for (var row : fields.entrySet()) {
      cases.add(
          api(row.getKey(), "bad_request", () -> api.send(signed.apply(row.getValue()).build())));
    }
    cases.add(
        api("unsigned", "unauthorized", () -> api.send(user.apply(json(path, valid)).build())));
    cases.add(
        api(
            "a device that is not the user's",
            "not_found",
            () -> api.send(signed.apply(valid).build())));
    cases.add(
        api(
            "a malformed device ID",
            "not_found",
            () ->
                api.send(user.apply(json("/api/v1/user/devices/phone-1/rebind", valid)).build())));
    cases.addAll(authorizationCases("POST", path, JSON, valid));
    cases.add(
        api(
            "GET instead of POST",
            "method_not_allowed",
            () -> api.send(user.apply(api.request(path)).GET().build())));
    return run("POST /api/v1/user/devices/{id}/rebind", cases);
  }

  // ---------------------------------------------------------------------------------------------
  // Case tables shared by the endpoints

  /** Bodies that are not the JSON object the endpoint takes, with otherwise valid requests. */
  private List<Case> malformedJsonBodies(
      String path, UnaryOperator<HttpRequest.Builder> auth, String validBody, String textField) {
    return malformedJsonBodies("POST", path, auth, validBody, textField);
  }

  private List<Case> malformedJsonBodies(
      String method,
      String path,
      UnaryOperator<HttpRequest.Builder> auth,
      String validBody,
      String textField) {
    String field = quote(textField);
    List<Case> cases = new ArrayList<>();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("malformed JSON", "{\"username\": ,}");
    bad.put("truncated JSON", validBody.substring(0, validBody.length() - 4));
    bad.put("a JSON array", "[]");
    bad.put("the object inside an array", "[" + validBody + "]");
    bad.put("a JSON number", "123456");
    bad.put("a JSON string", "\"123456\"");
    bad.put("JSON null", "null");
    bad.put("JSON true", "true");
    bad.put("an empty body", "");
    bad.put("a blank body", "  \n ");
    bad.put("garbage after the object", validBody + " trailing");
    bad.put("two objects", validBody + validBody);
    bad.put("single quotes", validBody.replace('"', '\''));
    bad.put("unquoted names", validBody.replaceAll("\"(\\w+)\":", "$1:"));
    bad.put("a comment", "/* hi */ " + validBody);
    bad.put("NaN", "{" + field + ": NaN}");
    bad.put(
        "deeply nested (10000 levels)",
        "{" + field + ":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
    bad.put("a 60 KB string", "{" + field + ":\"" + "a".repeat(60_000) + "\"}");
    for (var row : bad.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "bad_request",
              () ->
                  api.send(
                      auth.apply(raw(path, method, JSON, BodyPublishers.ofString(row.getValue())))
                          .build())));
    }
    byte[] invalidUtf8 =
        concat(
            ("{" + field + ":\"a").getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xff, (byte) 0xfe},
            "\"}".getBytes(StandardCharsets.UTF_8));
    cases.add(
        api(
            "invalid UTF-8 bytes",
            "bad_request",
            () ->
                api.send(
                    auth.apply(raw(path, method, JSON, BodyPublishers.ofByteArray(invalidUtf8)))
                        .build())));
    String hundredKb = "{" + field + ":\"" + "a".repeat(100_000) + "\"}";
    cases.add(
        api(
            "a 100 KB string field",
            "payload_too_large",
            () ->
                api.send(
                    auth.apply(raw(path, method, JSON, BodyPublishers.ofString(hundredKb)))
                        .build())));
    byte[] megabyte = ("{\"x\":\"" + "a".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
    cases.add(
        api(
            "a 1 MB body",
            "payload_too_large",
            () ->
                api.send(
                    auth.apply(raw(path, method, JSON, BodyPublishers.ofByteArray(megabyte)))
                        .build())));
    cases.add(
        api(
            "a 1 MB chunked body (no Content-Length)",
            "payload_too_large",
            () ->
                api.send(
                    auth.apply(
                            raw(
                                path,
                                method,
                                JSON,
                                BodyPublishers.ofInputStream(
                                    () -> new ByteArrayInputStream(megabyte))))
                        .build())));
    Map<String, String> types = new LinkedHashMap<>();
    types.put("Content-Type text/plain", "text/plain");
    types.put("Content-Type form-encoded", FORM);
    types.put("Content-Type application/xml", "application/xml");
    types.put("no Content-Type", null);
    types.put("Content-Type garbage", "garbage");
    for (var row : types.entrySet()) {
      cases.add(
          api(
              row.getKey(),
              "unsupported_media_type",
              () ->
                  api.send(
                      auth.apply(
                              raw(path, method, row.getValue(), BodyPublishers.ofString(validBody)))
                          .build())));
    }
    cases.add(
        api(
            "charset garbage",
            "unsupported_media_type",
            () ->
                api.send(
                    auth.apply(
                            raw(
                                path,
                                method,
                                JSON + "; charset=no-such-charset",
                                BodyPublishers.ofString(validBody)))
                        .build())));
    return cases;
  }

  /** Missing, garbage and revoked credentials; a non-admin user; an application on admin paths. */
  private List<Case> authorizationCases(
      String method, String path, String contentType, String body) {
    boolean admin = path.startsWith("/api/v1/admin/");
    Function<String, Response> withAuthorization =
        authorization -> {
          HttpRequest.Builder builder =
              raw(
                  path,
                  method,
                  contentType,
                  body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
          if (authorization != null) {
            builder.header("Authorization", authorization);
          }
          return api.send(builder.build());
        };
    List<Case> cases = new ArrayList<>();
    cases.add(api("no Authorization", "unauthorized", () -> withAuthorization.apply(null)));
    cases.add(
        api(
            "Authorization: Bearer garbage",
            "unauthorized",
            () -> withAuthorization.apply("Bearer garbage")));
    cases.add(
        api(
            "Authorization: Bearer lk_ with a wrong token",
            "unauthorized",
            () -> withAuthorization.apply("Bearer lk_" + "A".repeat(43))));
    cases.add(
        api(
            "Authorization: Bearer (empty)",
            "unauthorized",
            () -> withAuthorization.apply("Bearer ")));
    cases.add(
        api(
            "Authorization: Basic garbage",
            "unauthorized",
            () -> withAuthorization.apply("Basic !!!not-base64")));
    cases.add(
        api(
            "Authorization: Basic without a colon",
            "unauthorized",
            () -> withAuthorization.apply("Basic " + b64("admin"))));
    cases.add(
        api(
            "Authorization: Basic with a wrong password",
            "unauthorized",
            () -> withAuthorization.apply("Basic " + b64("admin:wrong password"))));
    cases.add(
        api(
            "Authorization: Basic of an unknown user",
            "unauthorized",
            () -> withAuthorization.apply("Basic " + b64(newUsername("ghost") + ":x"))));
    cases.add(
        api(
            "Authorization: an unknown scheme",
            "unauthorized",
            () -> withAuthorization.apply("Token abc")));
    cases.add(
        api(
            "Authorization: a revoked API key",
            "unauthorized",
            () -> {
              String token = api.createApiKey("soon-revoked");
              String id = null;
              for (var key : api.adminGet("/api/v1/admin/api-keys").json().path("apiKeys")) {
                if (token.startsWith(key.path("prefix").asString())) {
                  id = key.path("id").asString();
                }
              }
              assertThat(
                      api.send(
                              api.asAdmin(api.request("/api/v1/admin/api-keys/" + id))
                                  .DELETE()
                                  .build())
                          .status())
                  .isEqualTo(200);
              return withAuthorization.apply("Bearer " + token);
            }));
    cases.add(
        api(
            "Basic auth of a user who is not an admin (Basic opens nothing)",
            "unauthorized",
            () -> {
              String user = newUsername("plain");
              api.createUser(user, "correct horse battery");
              return withAuthorization.apply("Basic " + b64(user + ":correct horse battery"));
            }));
    if (admin) {
      cases.add(
          api(
              "an application's API key (the admin API needs an admin login)",
              "unauthorized",
              () -> withAuthorization.apply("Bearer " + api.createApiKey("not-an-admin"))));
    }
    return cases;
  }

  private List<Case> wrongMethods(String path, List<String> methods) {
    List<Case> cases = new ArrayList<>();
    for (String method : methods) {
      cases.add(
          api(
              method + " " + path,
              "method_not_allowed",
              () ->
                  api.send(
                      api.asAdmin(raw(path, method, JSON, BodyPublishers.ofString("{}")))
                          .build())));
    }
    return cases;
  }

  /**
   * What a page form gets besides bad fields: lost or forged CSRF tokens, wrong content types,
   * oversized bodies, other methods. {@code validFields} carry no {@code _csrf}.
   */
  private List<Case> pageFormCases(
      String path, Supplier<WizardClient> browsers, String validFields, String expectedForValid) {
    List<Case> cases = new ArrayList<>();
    cases.add(
        page(
            "no CSRF token",
            "session_lost",
            () -> {
              WizardClient b = browsers.get();
              return answer(b.send(form(b, path, validFields, FORM)));
            }));
    cases.add(
        page(
            "a garbage CSRF token",
            "session_lost",
            () -> {
              WizardClient b = browsers.get();
              return answer(b.send(form(b, path, "_csrf=garbage&" + validFields, FORM)));
            }));
    cases.add(
        page(
            "another session's CSRF token",
            "session_lost",
            () -> {
              WizardClient other = new WizardClient(baseUrl());
              other.get("/login");
              WizardClient b = browsers.get();
              return answer(
                  b.send(form(b, path, "_csrf=" + enc(other.csrf()) + "&" + validFields, FORM)));
            }));
    cases.add(
        page(
            "a session cookie the server does not know",
            "session_lost",
            () -> {
              WizardClient b = browsers.get();
              return api.send(
                  rawWithCookie(
                      path,
                      "LATCHKEY_SESSION=" + "0".repeat(32),
                      "_csrf=" + enc(b.csrf()) + "&" + validFields));
            }));
    cases.add(
        page(
            "the fields as text/plain",
            "session_lost",
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(
                      form(b, path, "_csrf=" + enc(b.csrf()) + "&" + validFields, "text/plain")));
            }));
    cases.add(
        page(
            "the fields without a Content-Type",
            "session_lost",
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(form(b, path, "_csrf=" + enc(b.csrf()) + "&" + validFields, null)));
            }));
    cases.add(
        page(
            "an unknown form charset (ignored: the form is read as UTF-8)",
            expectedForValid,
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(
                      form(
                          b,
                          path,
                          "_csrf=" + enc(b.csrf()) + "&" + validFields,
                          FORM + "; charset=no-such-charset")));
            }));
    cases.add(
        page(
            "valid CSRF, then the fields",
            expectedForValid,
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(form(b, path, "_csrf=" + enc(b.csrf()) + "&" + validFields, FORM)));
            }));
    cases.add(
        page(
            "a 100 KB form",
            "payload_too_large",
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(
                      form(
                          b,
                          path,
                          "_csrf="
                              + enc(b.csrf())
                              + "&"
                              + validFields
                              + "&pad="
                              + "a".repeat(100_000),
                          FORM)));
            }));
    cases.add(
        page(
            "a 1 MB form",
            "payload_too_large",
            () -> {
              WizardClient b = browsers.get();
              return answer(
                  b.send(
                      form(
                          b,
                          path,
                          "_csrf="
                              + enc(b.csrf())
                              + "&"
                              + validFields
                              + "&pad="
                              + "a".repeat(1 << 20),
                          FORM)));
            }));
    cases.add(
        page(
            "a 1 MB chunked form (no Content-Length)",
            "payload_too_large",
            () -> {
              WizardClient b = browsers.get();
              byte[] body =
                  ("_csrf=" + enc(b.csrf()) + "&" + validFields + "&pad=" + "a".repeat(1 << 20))
                      .getBytes(StandardCharsets.UTF_8);
              return answer(
                  b.send(
                      b.request(path)
                          .header("Content-Type", FORM)
                          .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                          .build()));
            }));
    for (String method : List.of("PUT", "DELETE", "PATCH")) {
      cases.add(
          page(
              method + " with a valid CSRF header",
              "method_not_allowed",
              () -> {
                WizardClient b = browsers.get();
                return answer(
                    b.send(
                        b.request(path)
                            .header("X-CSRF-TOKEN", b.csrf())
                            .header("Content-Type", FORM)
                            .method(method, BodyPublishers.ofString(validFields))
                            .build()));
              }));
    }
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Running and building

  private static Stream<DynamicTest> run(String endpoint, List<Case> cases) {
    return run(endpoint, cases, MIN_CASES);
  }

  /** For an endpoint that takes no input, and so has fewer ways to be asked wrongly. */
  private static Stream<DynamicTest> run(String endpoint, List<Case> cases, int minimum) {
    assertThat(cases).as(endpoint + " cases").hasSizeGreaterThanOrEqualTo(minimum);
    List<String> names = cases.stream().map(Case::name).toList();
    assertThat(names).as("case names are unique").doesNotHaveDuplicates();
    return cases.stream()
        .map(
            c ->
                dynamicTest(
                    endpoint + ": " + c.name(),
                    () -> {
                      Response answer = c.send().get();
                      List<String> problems =
                          c.kind() == Kind.API
                              ? Envelopes.jsonProblems(answer, c.expectedCode())
                              : Envelopes.pageProblems(
                                  answer.status(),
                                  answer.correlationId(),
                                  answer.contentType(),
                                  answer.body(),
                                  c.expectedCode());
                      assertThat(problems).as(c.name() + " -> " + abbreviate(answer)).isEmpty();
                    }));
  }

  private static Case api(String name, String expectedCode, Supplier<Response> send) {
    return new Case(name, Kind.API, send, expectedCode);
  }

  private static Case page(String name, String expectedCode, Supplier<Response> send) {
    return new Case(name, Kind.PAGE, send, expectedCode);
  }

  private HttpRequest.Builder json(String path, String body) {
    return raw(path, "POST", JSON, BodyPublishers.ofString(body));
  }

  private HttpRequest.Builder raw(
      String path, String method, String contentType, BodyPublisher body) {
    HttpRequest.Builder builder = api.request(path).method(method, body);
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return builder;
  }

  private HttpRequest rawWithCookie(String path, String cookie, String fields) {
    return api.request(path)
        .header("Cookie", cookie)
        .header("Content-Type", FORM)
        .POST(BodyPublishers.ofString(fields))
        .build();
  }

  private static HttpRequest form(
      WizardClient browser, String path, String body, String contentType) {
    HttpRequest.Builder builder = browser.request(path).POST(BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return builder.build();
  }

  private Response verify(UnaryOperator<HttpRequest.Builder> app, String body) {
    return api.send(app.apply(json("/api/v1/verify", body)).build());
  }

  private Response verifyFields(
      UnaryOperator<HttpRequest.Builder> app, String username, String code) {
    return verify(app, Api.JSON.writeValueAsString(Map.of("username", username, "code", code)));
  }

  private static Response answer(Page page) {
    return new Response(page.status(), page.correlationId(), page.contentType(), page.body());
  }

  private EnrolledUser enroll(String prefix) {
    return WizardClient.enrollNewUser(api, newUsername(prefix), clock.instant());
  }

  /** A signed-in browser on the scan page of a new user's pending registration. */
  private record PendingSession(String username, WizardClient browser, Pending pending) {}

  private PendingSession pendingRegistration() {
    String username = newUsername("pending");
    api.createUser(username, "correct horse battery");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, "correct horse battery");
    return new PendingSession(username, browser, browser.start());
  }

  /** The same thing for a few cases, then a new one: each case may count one failed attempt. */
  private static final class Rotating<T> {
    private final Supplier<T> factory;
    private T current;
    private int uses;

    Rotating(Supplier<T> factory) {
      this.factory = factory;
    }

    T get() {
      if (current == null || uses == FAILURES_PER_USER) {
        current = factory.get();
        uses = 0;
      }
      uses++;
      return current;
    }
  }

  private String wrongCode(EnrolledUser user) {
    Set<String> window = new HashSet<>();
    for (int step = -2; step <= 2; step++) {
      window.add(WizardClient.code(user.secret(), clock.instant().plusSeconds(30L * step)));
    }
    for (int i = 0; ; i++) {
      String candidate = String.format("%06d", i);
      if (!window.contains(candidate)) {
        return candidate;
      }
    }
  }

  static String fullWidth(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(cp -> out.appendCodePoint(cp >= 0x21 && cp <= 0x7e ? cp - 0x21 + 0xff01 : cp));
    return out.toString();
  }

  static String arabicIndic(String digits) {
    StringBuilder out = new StringBuilder();
    digits.chars().forEach(c -> out.appendCodePoint(c - '0' + 0x0660));
    return out.toString();
  }

  private static String quote(String text) {
    return Api.JSON.writeValueAsString(text);
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private String adminAuthorization() {
    return api.asAdmin(api.request("/"))
        .build()
        .headers()
        .firstValue("Authorization")
        .map(v -> "Authorization: " + v)
        .orElseThrow();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static String abbreviate(Response response) {
    String body = response.body();
    return response.status()
        + " "
        + response.contentType()
        + " id="
        + response.correlationId()
        + " "
        + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
  }
}
