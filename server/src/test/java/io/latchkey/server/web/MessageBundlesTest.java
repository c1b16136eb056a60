package io.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every page and every error speaks English and Japanese: the bundles have the same keys. */
class MessageBundlesTest {

  @Test
  void japaneseAndEnglishBundlesHaveExactlyTheSameKeys() throws IOException {
    assertThat(load("messages_ja.properties").stringPropertyNames())
        .containsExactlyInAnyOrderElementsOf(load("messages.properties").stringPropertyNames());
  }

  @Test
  void everyErrorCodeHasASentenceInBothLanguages() throws IOException {
    Properties en = load("messages.properties");
    Properties ja = load("messages_ja.properties");
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(en.getProperty(code.messageKey())).as(code.code()).isNotBlank();
      assertThat(ja.getProperty(code.messageKey())).as(code.code()).isNotBlank();
      assertThat(ja.getProperty(code.messageKey()))
          .as("Japanese text for " + code.code())
          .isNotEqualTo(en.getProperty(code.messageKey()));
    }
  }

  @Test
  void theTimeOutSentenceIsTheOneUsersKnow() throws IOException {
    assertThat(load("messages.properties").getProperty("error.enrollment_timed_out"))
        .isEqualTo("Authenticator registration timed out. Select Next to try again.");
  }

  /**
   * A message with arguments goes through {@link java.text.MessageFormat}, where a lone apostrophe
   * starts a quoted section and swallows the placeholders after it ("the app's entry ({0} left)"
   * would show "{0}"); such messages must double it.
   */
  @Test
  void messagesWithArgumentsDoubleTheirApostrophes() throws IOException {
    for (String bundle : new String[] {"messages.properties", "messages_ja.properties"}) {
      Properties messages = load(bundle);
      for (String key : messages.stringPropertyNames()) {
        String text = messages.getProperty(key);
        if (text.matches("(?s).*\\{\\d+[^}]*}.*")) {
          assertThat(text.replace("''", ""))
              .as(bundle + " " + key + " has a lone apostrophe")
              .doesNotContain("'");
          assertThat(
                  new java.text.MessageFormat(text)
                      .format(new Object[] {"A", "B", "C", "D", "E", "F"}))
              .as(bundle + " " + key)
              .doesNotContain("{");
        }
      }
    }
  }

  private static Properties load(String name) throws IOException {
    Properties properties = new Properties();
    try (var in = MessageBundlesTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return properties;
  }
}
