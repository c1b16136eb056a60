package io.latchkey.bench;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import io.latchkey.core.otp.TotpVerifier;
import java.security.SecureRandom;
import java.time.Instant;
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
 * The CPU cost of checking a TOTP code: one code, and a whole ±1 drift window compared in constant
 * time (what every verification does before touching the database).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TotpBenchmark {
  private Secret secret;
  private final OtpParameters parameters = OtpParameters.TOTP_DEFAULT;
  private final TotpVerifier verifier = new TotpVerifier(1);
  private final Instant now = Instant.parse("2026-11-25T10:00:00Z");
  private String rightCode;

  @Setup
  public void setUp() {
    secret = Secret.generate(new SecureRandom());
    rightCode = Totp.generate(secret, parameters, now);
  }

  @Benchmark
  public String generateOneCode() {
    return Totp.generate(secret, parameters, now);
  }

  @Benchmark
  public Object matchRightCodeInWindow() {
    return verifier.matchStep(secret, parameters, rightCode, now, 0);
  }

  @Benchmark
  public Object matchWrongCodeInWindow() {
    return verifier.matchStep(secret, parameters, "000000", now, 0);
  }
}
