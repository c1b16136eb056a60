package io.latchkey.server.notice;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.NoticeStatus;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.UserId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;

class NoticeTextsTest {
  private static final CorrelationId ID = CorrelationId.random(new SecureRandom());
  private final NoticeTexts texts = new NoticeTexts(messages());

  private static ResourceBundleMessageSource messages() {
    ResourceBundleMessageSource source = new ResourceBundleMessageSource();
    source.setBasename("messages");
    source.setDefaultEncoding("UTF-8");
    source.setFallbackToSystemLocale(false);
    return source;
  }

  private static Notice notice(NoticeKind kind, String ip, Map<String, String> facts) {
    return new Notice(
        UUID.randomUUID(),
        UserId.random(),
        kind,
        Instant.parse("2026-11-25T09:00:05Z"),
        ip,
        "",
        ID,
        facts,
        EmailAddress.of("alice@example.com"),
        NoticeStatus.PENDING,
        0,
        Instant.parse("2026-11-25T09:00:05Z"),
        null,
        null);
  }

  @Test
  void theMailSaysItInEnglishThenJapaneseWithEveryFactAndTheCorrelationId() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("method", "TOTP");
    String body = texts.mailBody(notice(NoticeKind.METHOD_ADDED, "192.0.2.7", facts));

    assertThat(body)
        .startsWith("A sign-in method was added to your account\n\n")
        .contains("When: 2026-11-25 09:00:05 UTC\nFrom: 192.0.2.7\n")
        .contains("Method: Authenticator app (time-based codes)\nCorrelation ID: " + ID)
        .contains("give them this correlation ID: " + ID)
        .contains("日時: 2026-11-25 09:00:05 UTC\n接続元: 192.0.2.7\n")
        .contains("方法: 認証アプリ (時間ベースのコード)")
        .contains("次の相関 ID を伝えてください: " + ID);
    assertThat(body.indexOf("相関 ID")).isGreaterThan(body.indexOf("Correlation ID"));
    assertThat(texts.mailSubject(notice(NoticeKind.USER_BLOCKED, "", Map.of())))
        .isEqualTo(
            "Latchkey security notice: Your account was blocked"
                + " / Latchkey セキュリティ通知: アカウントがブロックされました");
  }

  @Test
  void aBackgroundChangeSaysItCameFromTheServerAndAnUnknownFactKeepsItsName() {
    Notice notice = notice(NoticeKind.RECOVERY, "", Map.of("newFactOfAnotherStream", "x"));

    NoticeTexts.View en = texts.view(notice, Locale.ENGLISH);
    NoticeTexts.View ja = texts.view(notice, Locale.JAPANESE);

    assertThat(en.from()).isEqualTo("the server itself");
    assertThat(ja.from()).isEqualTo("サーバー自身");
    assertThat(en.facts())
        .extracting(NoticeTexts.Fact::label)
        .containsExactly("When", "From", "newFactOfAnotherStream", "Correlation ID");
    assertThat(en.status()).isEqualTo("Being sent to you by email.");
    assertThat(ja.title()).isEqualTo("アカウントがデバイスで復旧されました");
  }

  @Test
  void anAutomaticBlockSaysWhichRuleInWordsAndAnUnknownCaseKeepsItsName() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("rule", "too_many_push_refusals");
    facts.put("counted", "5");
    String body = texts.mailBody(notice(NoticeKind.AUTO_BLOCKED, "192.0.2.7", facts));

    assertThat(body)
        .startsWith("Your account was blocked after unusual activity\n\n")
        .contains(
            "Why: Too many sign-in requests to your phone were denied or reported\nHow many: 5\n")
        .contains("理由: スマートフォンへのサインイン要求が何度も拒否または報告されました\n回数: 5\n");
    NoticeTexts.View unknown =
        texts.view(
            notice(NoticeKind.AUTO_BLOCKED, "", Map.of("rule", "a_rule_of_later")), Locale.ENGLISH);
    assertThat(unknown.facts()).extracting(NoticeTexts.Fact::value).contains("a_rule_of_later");
  }

  @Test
  void everyKindHasWordsInBothLanguages() {
    for (NoticeKind kind : NoticeKind.values()) {
      Notice notice = notice(kind, "192.0.2.7", Map.of());
      for (Locale locale : NoticeTexts.MAIL_LANGUAGES) {
        assertThat(texts.title(notice, locale)).as(kind + " " + locale).isNotBlank();
        assertThat(texts.text(notice, locale)).as(kind + " " + locale).isNotBlank();
      }
    }
  }
}
