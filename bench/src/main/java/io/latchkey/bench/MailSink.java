package io.latchkey.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server on loopback that accepts every message and keeps a count, for {@link
 * SoakLoad}: the server under test is started with {@code --latchkey.mail.host=127.0.0.1
 * --latchkey.mail.port=PORT}, so its security notices are really sent (and audited {@code
 * notice.sent}). Each message's body (after the headers) is hashed, so that the same notice mailed
 * twice shows as a repeated body. No TLS, no authentication, no storage.
 */
final class MailSink implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger messages = new AtomicInteger();
  private final Map<String, Integer> bodies = new ConcurrentHashMap<>();
  private final AtomicInteger errors = new AtomicInteger();

  MailSink(int port) throws IOException {
    socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("mail-sink").start(this::accept);
  }

  int port() {
    return socket.getLocalPort();
  }

  int messages() {
    return messages.get();
  }

  int errors() {
    return errors.get();
  }

  /** Bodies that arrived more than once. */
  int repeatedBodies() {
    return (int) bodies.values().stream().filter(n -> n > 1).count();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          errors.incrementAndGet();
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(60_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = client.getOutputStream();
      reply(out, "220 soak-mail-sink ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
        switch (verb) {
          case "EHLO" -> reply(out, "250-soak-mail-sink\r\n250 8BITMIME");
          case "HELO" -> reply(out, "250 soak-mail-sink");
          case "DATA" -> {
            reply(out, "354 end with <CRLF>.<CRLF>");
            StringBuilder body = new StringBuilder();
            boolean inHeaders = true;
            String data;
            while ((data = in.readLine()) != null && !data.equals(".")) {
              if (inHeaders) {
                inHeaders = !data.isEmpty();
              } else {
                body.append(data).append('\n');
              }
            }
            messages.incrementAndGet();
            bodies.merge(sha256(body.toString()), 1, Integer::sum);
            reply(out, "250 queued");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "250 ok");
        }
      }
    } catch (IOException e) {
      errors.incrementAndGet();
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
