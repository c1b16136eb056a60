package io.latchkey.server.testing;

import io.latchkey.server.LatchkeyServerApplication;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The server's main as {@code ./latchkey server} runs it (a failed start logs Spring's explanation
 * and exits 1, as {@code ServerCommand} does: picocli's {@code ExitCode.SOFTWARE}), in a JVM of its
 * own so that a test can kill it for real, with the clock read from the file named by {@code
 * -Dlatchkey.test.clock-file} ({@link FileClock}) when given. Started by {@link ServerProcess}.
 */
public final class ChildServer {
  private ChildServer() {}

  public static void main(String[] args) {
    String clockFile = System.getProperty("latchkey.test.clock-file");
    SpringApplicationBuilder builder =
        clockFile == null
            ? new SpringApplicationBuilder(LatchkeyServerApplication.class)
            : new SpringApplicationBuilder(
                LatchkeyServerApplication.class, FileClockConfiguration.class);
    try {
      builder.run(args);
    } catch (RuntimeException e) {
      // As the launcher: Spring has logged why; a raw stack trace here would bury it.
      System.exit(1);
    }
  }

  /**
   * The file clock, replacing the system one. Conditional: the server's component scan finds this
   * class too (test classes are on the child's class path), also when no clock file is given.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty("latchkey.test.clock-file")
  public static class FileClockConfiguration {
    @Bean
    @Primary
    FileClock fileClock() {
      return new FileClock(Path.of(System.getProperty("latchkey.test.clock-file")));
    }
  }
}
