package io.latchkey.server.testing;

import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The server under test reads this clock, so tests move time instead of sleeping. */
@TestConfiguration(proxyBeanMethods = false)
public class ServerTestConfiguration {
  /** Mid-step of a realistic date; every test moves it forward only. */
  public static final Instant START = Instant.parse("2026-11-25T09:00:05Z");

  @Bean
  @Primary
  MutableClock testClock() {
    return new MutableClock(START);
  }
}
