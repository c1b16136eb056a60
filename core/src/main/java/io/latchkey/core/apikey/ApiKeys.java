package io.latchkey.core.apikey;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Issues, checks and revokes API keys. */
public final class ApiKeys {
  /** Tokens look like {@code lk_} + 43 Base64url characters (256 bits). */
  public static final String TOKEN_PREFIX = "lk_";

  private final ApiKeyRepository repository;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;

  public ApiKeys(ApiKeyRepository repository, AuditLog audit, Clock clock, SecureRandom random) {
    this.repository = repository;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  /** A new key and its token, which is shown once and never stored. */
  public record Issued(ApiKey key, String token) {
    @Override
    public String toString() {
      return "Issued[" + key + "]";
    }
  }

  public Issued create(String name, RequestContext context) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty()
        || trimmed.length() > 100
        || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "an API key needs a name of 1 to 100 characters");
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            trimmed,
            token.substring(0, 10),
            clock.instant(),
            context.actor(),
            null);
    repository.insert(key, hash(token));
    audit.record(
        AuditEvent.of(AuditEventType.API_KEY_CREATED, context, clock.instant())
            .detail("API key '" + trimmed + "' (" + key.prefix() + "...) created")
            .build());
    return new Issued(key, token);
  }

  /** The active key for a presented token; empty for anything else. */
  public Optional<ApiKey> authenticate(String token) {
    if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 200) {
      return Optional.empty();
    }
    return repository.findActiveByHash(hash(token));
  }

  public List<ApiKey> list() {
    return repository.list();
  }

  public void revoke(UUID id, RequestContext context) {
    if (!repository.revoke(id, clock.instant())) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "no active API key " + id);
    }
    audit.record(
        AuditEvent.of(AuditEventType.API_KEY_REVOKED, context, clock.instant())
            .detail("API key " + id + " revoked")
            .build());
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
