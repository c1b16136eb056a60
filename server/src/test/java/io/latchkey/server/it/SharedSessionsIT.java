package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * No browser state lives in one node's memory: a second server node on the same database serves the
 * same session, so a registration started on one node is confirmed on the other, as behind a load
 * balancer without sticky sessions.
 */
class SharedSessionsIT extends ServerIT {
  private ConfigurableApplicationContext otherNode;
  private MutableClock otherClock;
  private String otherBase;

  @BeforeEach
  void startASecondNode() {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--latchkey.data=" + DATA);
    if (databaseUrl() != null) {
      args.add("--spring.datasource.url=" + databaseUrl());
    }
    otherNode =
        new SpringApplicationBuilder(LatchkeyServerApplication.class, ServerTestConfiguration.class)
            .run(args.toArray(String[]::new));
    otherClock = otherNode.getBean(MutableClock.class);
    otherClock.sameAs(clock);
    otherBase = "http://127.0.0.1:" + otherNode.getEnvironment().getProperty("local.server.port");
  }

  @AfterEach
  void stopTheSecondNode() {
    otherNode.close();
  }

  @Test
  void aSessionStartedOnOneNodeContinuesOnAnother() {
    String username = newUsername("roaming");
    api.createUser(username, "correct horse battery");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, "correct horse battery");

    browser.useNode(otherBase);
    Page getApp = browser.get("/register");
    assertThat(getApp.status()).as("signed in on the other node too").isEqualTo(200);
    Pending pending = browser.start();

    browser.useNode(baseUrl());
    assertThat(browser.scan().secret()).isEqualTo(pending.secret());
    Page confirmed =
        browser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(confirmed.redirectPath()).isEqualTo("/register/done");

    browser.useNode(otherBase);
    assertThat(browser.get("/register/done").status()).isEqualTo(200);
  }

  @Test
  void signingOutOnOneNodeEndsTheSessionOnEveryNode() {
    String username = newUsername("leaving");
    api.createUser(username, "correct horse battery");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, "correct horse battery");
    browser.get("/register");
    assertThat(browser.post("/logout", java.util.Map.of()).redirectPath()).startsWith("/login");

    browser.useNode(otherBase);
    Page afterwards = browser.get("/register");
    assertThat(afterwards.isRedirect()).isTrue();
    assertThat(afterwards.redirectPath()).isEqualTo("/login");
  }
}
