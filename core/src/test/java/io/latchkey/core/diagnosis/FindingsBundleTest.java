package io.latchkey.core.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The diagnosis speaks English and Japanese: both bundles have the same keys, each with the same
 * arguments, every sentence is a valid MessageFormat (a lone apostrophe would swallow an argument),
 * and the Japanese is Japanese, not a forgotten copy of the English.
 */
class FindingsBundleTest {
  private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)}");
  private static final Pattern KANA_OR_KANJI =
      Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}]");

  private static Properties load(String name) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Text.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return properties;
  }

  @Test
  void bothLanguagesHaveTheSameKeysWithTheSameArguments() throws IOException {
    Properties en = load("Findings.properties");
    Properties ja = load("Findings_ja.properties");

    assertThat(new TreeSet<>(ja.stringPropertyNames()))
        .isEqualTo(new TreeSet<>(en.stringPropertyNames()));
    for (String key : en.stringPropertyNames()) {
      for (Properties bundle : new Properties[] {en, ja}) {
        assertThat(bundle.getProperty(key).replace("''", ""))
            .as(key + ": an apostrophe is written twice")
            .doesNotContain("'");
      }
      assertThat(arguments(ja.getProperty(key))).as(key).isEqualTo(arguments(en.getProperty(key)));
      if (!ja.getProperty(key).isEmpty() && !key.equals("link.remedy.end")) {
        assertThat(KANA_OR_KANJI.matcher(ja.getProperty(key)).find()).as(key).isTrue();
      }
    }
  }

  @Test
  void everySentenceFormatsWithItsArgumentsInBothLanguages() throws IOException {
    for (String key : load("Findings.properties").stringPropertyNames()) {
      Object[] args = new Object[4];
      for (int i = 0; i < args.length; i++) {
        args[i] = "ARG" + i;
      }
      for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.JAPANESE}) {
        String said = Text.of(key, args).render(locale);
        assertThat(said).as(key).doesNotContain("{").doesNotContain("}");
        for (String used : arguments(load("Findings.properties").getProperty(key))) {
          assertThat(said).as(key + " " + locale).contains("ARG" + used);
        }
      }
    }
  }

  @Test
  void anotherLanguageFallsBackToEnglishNotToTheMachinesLanguage() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.JAPANESE);
      assertThat(Text.of("unexplained").render(Locale.GERMAN))
          .isEqualTo("No rule explains these events; read the timeline below.");
    } finally {
      Locale.setDefault(before);
    }
  }

  private static Set<String> arguments(String sentence) {
    Set<String> out = new TreeSet<>();
    Matcher matcher = ARGUMENT.matcher(sentence);
    while (matcher.find()) {
      out.add(matcher.group(1));
    }
    return out;
  }
}
