package io.latchkey.bench;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRepository;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of authenticating an application's API key on every request: SHA-256 of the token and a
 * lookup (here an in-memory map, so the figure is the hashing, not the database).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApiKeyBenchmark {
  private ApiKeys apiKeys;
  private String token;

  @Setup
  public void setUp() {
    Map<ByteBuffer, ApiKey> byHash = new ConcurrentHashMap<>();
    ApiKeyRepository repository =
        new ApiKeyRepository() {
          @Override
          public void insert(ApiKey key, byte[] tokenHash) {
            byHash.put(ByteBuffer.wrap(tokenHash), key);
          }

          @Override
          public Optional<ApiKey> findActiveByHash(byte[] tokenHash) {
            return Optional.ofNullable(byHash.get(ByteBuffer.wrap(tokenHash)));
          }

          @Override
          public List<ApiKey> list() {
            return List.copyOf(byHash.values());
          }

          @Override
          public boolean revoke(UUID id, Instant at) {
            return false;
          }
        };
    AuditLog audit =
        new AuditLog() {
          @Override
          public void record(AuditEvent event) {}

          @Override
          public List<AuditEvent> search(AuditQuery query) {
            return List.of();
          }
        };
    SecureRandom random = new SecureRandom();
    apiKeys = new ApiKeys(repository, audit, Clock.systemUTC(), random);
    token =
        apiKeys
            .create("bench", new RequestContext(CorrelationId.random(random), "", "", "bench"))
            .token();
  }

  @Benchmark
  public Object authenticateApiKey() {
    return apiKeys.authenticate(token);
  }
}
