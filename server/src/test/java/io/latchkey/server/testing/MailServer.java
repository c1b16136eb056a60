package io.latchkey.server.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real SMTP server (GreenMail) on a free loopback port, for the whole test JVM: the server under
 * test is configured to deliver to it. It can be stopped to make delivery fail, and started again
 * on the same port (messages received before are then gone).
 */
public final class MailServer {
  private static final int PORT = freePort();
  private static GreenMail server;

  private MailServer() {}

  public static synchronized int port() {
    ensureStarted();
    return PORT;
  }

  public static synchronized void ensureStarted() {
    if (server == null) {
      server = new GreenMail(new ServerSetup(PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      server.start();
    }
  }

  /** Connections are refused until {@link #ensureStarted}. */
  public static synchronized void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  /** A delivered message, read. */
  public record Mail(
      String noticeId,
      String from,
      List<String> to,
      String subject,
      String body,
      MimeMessage message) {}

  /** Every message received (since the last start) with {@code address} among its recipients. */
  public static synchronized List<Mail> to(String address) {
    List<Mail> out = new ArrayList<>();
    if (server == null) {
      return out;
    }
    for (MimeMessage message : server.getReceivedMessages()) {
      Mail mail = read(message);
      if (mail.to().contains(address)) {
        out.add(mail);
      }
    }
    return out;
  }

  /** Every message received since the last start. */
  public static synchronized List<Mail> all() {
    List<Mail> out = new ArrayList<>();
    if (server != null) {
      for (MimeMessage message : server.getReceivedMessages()) {
        out.add(read(message));
      }
    }
    return out;
  }

  private static Mail read(MimeMessage message) {
    try {
      Address[] recipients = message.getRecipients(Message.RecipientType.TO);
      List<String> to =
          recipients == null
              ? List.of()
              : Arrays.stream(recipients).map(Address::toString).toList();
      String[] notice = message.getHeader("X-Latchkey-Notice");
      return new Mail(
          notice == null ? null : notice[0],
          message.getFrom() == null ? null : message.getFrom()[0].toString(),
          to,
          message.getSubject(),
          String.valueOf(message.getContent()),
          message);
    } catch (MessagingException e) {
      throw new AssertionError("unreadable message: " + e, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
