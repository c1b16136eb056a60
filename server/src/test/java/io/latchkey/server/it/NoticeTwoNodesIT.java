package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.notice.NoticeMailer;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.MailIT;
import io.latchkey.server.testing.MailServer;
import io.latchkey.server.testing.MailServer.Mail;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.ServerTestConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two server nodes on one database, both sending mail: every notice is delivered by exactly one of
 * them, also when many become due on both at the same moment (the claim is one conditional UPDATE).
 */
class NoticeTwoNodesIT extends MailIT {
  private static final int USERS = 6;
  private static final int RESETS_PER_USER = 4;

  @Autowired private NoticeMailer mailerA;
  private ConfigurableApplicationContext nodeB;
  private MutableClock clockB;
  private Api apiB;

  @BeforeEach
  void startNodeB() throws Exception {
    MailServer.ensureStarted();
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--latchkey.data=" + DATA);
    if (databaseUrl() != null) {
      args.add("--spring.datasource.url=" + databaseUrl());
    }
    mailSettings().forEach((name, value) -> args.add("--" + name + "=" + value));
    nodeB =
        new SpringApplicationBuilder(LatchkeyServerApplication.class, ServerTestConfiguration.class)
            .run(args.toArray(String[]::new));
    clockB = nodeB.getBean(MutableClock.class);
    clockB.sameAs(clock);
    String baseB = "http://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port");
    apiB = new Api(baseB, Api.adminTokens(nodeB));
  }

  @AfterEach
  void stopNodeB() {
    MailServer.ensureStarted();
    nodeB.close();
  }

  @Test
  void twoNodesNeverSendTheSameNoticeTwice() {
    // While the SMTP server is down, both nodes fail their first attempts; then the notices all
    // become due on both nodes at the same instant and they race for every one.
    MailServer.stop();
    List<String> usernames = new ArrayList<>();
    Map<String, String> correlationIds = new HashMap<>();
    for (int u = 0; u < USERS; u++) {
      String username = newUsername("pair");
      usernames.add(username);
      createUser(u % 2 == 0 ? api : apiB, username, addressOf(username));
      for (int r = 0; r < RESETS_PER_USER; r++) {
        Api node = (u + r) % 2 == 0 ? api : apiB;
        Response reset =
            node.adminPost(
                "/api/v1/admin/users/" + username + "/reset-mfa", Map.of("reason", "race"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        correlationIds.put(reset.correlationId(), username);
      }
    }
    int total = USERS * RESETS_PER_USER;
    for (String username : usernames) {
      await(
          "every first attempt of " + username + " failed",
          () ->
              notices(username).stream()
                      .allMatch(
                          n ->
                              n.path("attempts").asInt() >= 1
                                  && n.path("status").asString().equals("pending"))
                  ? Optional.of(true)
                  : Optional.empty());
    }

    MailServer.ensureStarted();
    clock.advance(RETRY_DELAY);
    clockB.sameAs(clock);
    // Besides each node's scheduled sender, eight more sender threads per node start at once:
    // they all go for the same oldest due notice, so only the claim keeps them apart.
    raceSenders(List.of(mailerA, nodeB.getBean(NoticeMailer.class)), 8);

    Set<String> noticeIds = new HashSet<>();
    for (String username : usernames) {
      await(
              "every notice of " + username + " sent",
              () -> {
                List<JsonNode> listed = notices(username);
                return listed.size() == RESETS_PER_USER
                        && listed.stream().allMatch(n -> n.path("status").asString().equals("sent"))
                    ? Optional.of(listed)
                    : Optional.empty();
              })
          .forEach(n -> noticeIds.add(n.path("id").asString()));
    }
    assertThat(noticeIds).hasSize(total);

    List<Mail> mails = new ArrayList<>();
    for (String username : usernames) {
      mails.addAll(MailServer.to(addressOf(username)));
    }
    List<String> delivered = mails.stream().map(Mail::noticeId).toList();
    assertThat(delivered).as("one mail per notice").hasSize(total).doesNotHaveDuplicates();
    assertThat(Set.copyOf(delivered)).isEqualTo(noticeIds);
    for (Map.Entry<String, String> change : correlationIds.entrySet()) {
      assertThat(audited(change.getKey(), "notice.sent"))
          .as("notice.sent under " + change.getKey())
          .hasSize(1);
    }
  }

  private static void raceSenders(List<NoticeMailer> mailers, int threadsPerNode) {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(mailers.size() * threadsPerNode);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (NoticeMailer mailer : mailers) {
        for (int i = 0; i < threadsPerNode; i++) {
          running.add(
              pool.submit(
                  () -> {
                    go.await();
                    mailer.deliverPending();
                    return null;
                  }));
        }
      }
      go.countDown();
      for (java.util.concurrent.Future<?> sender : running) {
        sender.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError("a sender failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }
}
