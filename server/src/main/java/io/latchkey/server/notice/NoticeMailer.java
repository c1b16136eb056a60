package io.latchkey.server.notice;

import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.Notices;
import io.latchkey.server.config.MailProperties;
import io.latchkey.server.web.ErrorCodes;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers pending notices by SMTP, in the background on every node. Each notice is claimed just
 * before it is sent (one conditional update, so two nodes never both send it), then marked sent, or
 * failed with the reason: {@link Notices} decides between another attempt later (the wait doubles)
 * and giving up, which is audited. Nothing here can undo the change a notice reports
 * (SECURITY-TESTS I5).
 *
 * <p>Delivery is at least once: a node that dies after the SMTP server accepted a message but
 * before it marked the notice sent leaves a claim that expires, and another node sends it again.
 */
@Component
public class NoticeMailer {
  /** Notices one run delivers at most; the next run goes on. */
  static final int PER_RUN = 50;

  /** The header that names the notice a message carries (for tracing, and the tests). */
  public static final String NOTICE_HEADER = "X-Latchkey-Notice";

  private static final Logger LOG = LoggerFactory.getLogger(NoticeMailer.class);

  private final Notices notices;
  private final NoticeTexts texts;
  private final MailProperties properties;
  private final JavaMailSenderImpl sender;

  public NoticeMailer(Notices notices, NoticeTexts texts, MailProperties properties) {
    this.notices = notices;
    this.texts = texts;
    this.properties = properties;
    this.sender = properties.enabled() ? sender(properties) : null;
    if (sender == null) {
      LOG.info("mail is off (latchkey.mail.host is not set): notices are shown on pages only");
    }
  }

  private static JavaMailSenderImpl sender(MailProperties properties) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost(properties.host());
    sender.setPort(properties.port());
    sender.setDefaultEncoding(StandardCharsets.UTF_8.name());
    if (!properties.username().isEmpty()) {
      sender.setUsername(properties.username());
      sender.setPassword(properties.password());
    }
    Properties mail = new Properties();
    String timeout = String.valueOf(properties.timeout().toMillis());
    mail.setProperty("mail.smtp.connectiontimeout", timeout);
    mail.setProperty("mail.smtp.timeout", timeout);
    mail.setProperty("mail.smtp.writetimeout", timeout);
    mail.setProperty("mail.smtp.auth", String.valueOf(!properties.username().isEmpty()));
    if (properties.starttls()) {
      mail.setProperty("mail.smtp.starttls.enable", "true");
      mail.setProperty("mail.smtp.starttls.required", "true");
    }
    sender.setJavaMailProperties(mail);
    return sender;
  }

  @Scheduled(
      fixedDelayString = "${latchkey.mail.poll-interval:10s}",
      initialDelayString = "${latchkey.mail.poll-interval:10s}")
  public void deliverPending() {
    if (sender == null) {
      return;
    }
    try {
      for (int i = 0; i < PER_RUN; i++) {
        // One claim at a time: a claim never waits behind other messages, so a slow SMTP server
        // cannot make it outlive its timeout and be sent twice.
        var claimed = notices.pending(1);
        if (claimed.isEmpty()) {
          return;
        }
        deliver(claimed.get(0));
      }
    } catch (RuntimeException e) {
      if (!ErrorCodes.databaseUnavailable(e)) {
        throw e;
      }
      LOG.warn("notice delivery skipped, database unavailable: {}", e.toString());
    }
  }

  private void deliver(Notices.Claimed claimed) {
    Notice notice = claimed.notice();
    try {
      sender.send(message(notice));
    } catch (MailException | MessagingException e) {
      String reason = describe(e);
      boolean last = notices.markFailed(claimed, reason);
      LOG.warn(
          "notice {} to {} not delivered (attempt {}{}): {}",
          notice.id(),
          notice.recipient(),
          notice.attempts(),
          last ? ", the last" : "",
          reason);
      return;
    }
    notices.markSent(claimed);
  }

  private MimeMessage message(Notice notice) throws MessagingException {
    MimeMessage message = sender.createMimeMessage();
    message.setFrom(new InternetAddress(properties.from()));
    message.setRecipient(
        MimeMessage.RecipientType.TO, new InternetAddress(notice.recipient().value(), true));
    message.setSubject(texts.mailSubject(notice), StandardCharsets.UTF_8.name());
    message.setText(texts.mailBody(notice), StandardCharsets.UTF_8.name(), "plain");
    message.setHeader(NOTICE_HEADER, notice.id().toString());
    // RFC 3834: no vacation replies to an automatic message.
    message.setHeader("Auto-Submitted", "auto-generated");
    message.setSentDate(java.util.Date.from(notice.at()));
    return message;
  }

  /** What went wrong, for the administrator: the innermost cause, without the message. */
  static String describe(Exception e) {
    if (e instanceof MailAuthenticationException) {
      return "the SMTP server refused the user name or password";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getClass().getSimpleName() + ": " + root.getMessage();
    return text.length() > 500 ? text.substring(0, 500) : text;
  }
}
