package io.latchkey.core.diagnosis;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.stream.Collectors;

/**
 * A sentence of the diagnosis, said in the reader's language: a key of the {@code Findings} bundle
 * (English, and Japanese in {@code Findings_ja}) and its arguments. An argument is a plain string
 * (a user name, a time, an audit record's detail, quoted as recorded) or another {@code Text}, said
 * in the same language.
 */
public record Text(String key, List<Object> args) {
  static final String BUNDLE = "io.latchkey.core.diagnosis.Findings";

  public Text {
    args = List.copyOf(args);
    for (Object arg : args) {
      if (!(arg instanceof String) && !(arg instanceof Text)) {
        throw new IllegalArgumentException("an argument is a String or a Text: " + arg);
      }
    }
  }

  public static Text of(String key, Object... args) {
    return new Text(key, List.of(args));
  }

  /** The sentence in {@code locale}, or in English when the bundle has no such language. */
  public String render(Locale locale) {
    ResourceBundle bundle = bundle(locale);
    Object[] values = args.stream().map(a -> a instanceof Text t ? t.render(locale) : a).toArray();
    MessageFormat format = new MessageFormat(bundle.getString(key), bundle.getLocale());
    return format.format(values);
  }

  /** Several sentences (or parts of one) said one after the other. */
  public static String render(List<Text> parts, Locale locale) {
    return parts.stream().map(t -> t.render(locale)).collect(Collectors.joining());
  }

  static ResourceBundle bundle(Locale locale) {
    return ResourceBundle.getBundle(
        BUNDLE,
        locale,
        Text.class.getClassLoader(),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }
}
