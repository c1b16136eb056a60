package io.latchkey.server.testing;

import io.latchkey.server.testing.WizardClient.Page;
import java.util.Map;

/** The wizard's push path over HTTP, for tests that need no browser. */
public final class PushWizard {
  private final WizardClient wizard;

  public PushWizard(WizardClient wizard) {
    this.wizard = wizard;
  }

  public WizardClient client() {
    return wizard;
  }

  /** Signs in and chooses push approval; returns the activation link the page shows. */
  public String start(String username, String password) {
    wizard.signInOrFail(username, password);
    Page getApp = wizard.get("/register");
    if (getApp.status() != 200) {
      throw new AssertionError("GET /register answered " + getApp.status());
    }
    Page started = wizard.post("/register/push/start", Map.of());
    if (!"/register/push".equals(started.redirectPath())) {
      throw new AssertionError(
          "POST /register/push/start answered " + started.status() + " " + started.location());
    }
    return activationUri();
  }

  public Page page() {
    return wizard.get("/register/push");
  }

  /** The activation link of the page now; fails if the page shows none. */
  public String activationUri() {
    Page page = page();
    return page.textOf("activation-uri")
        .orElseThrow(
            () ->
                new AssertionError(
                    "no activation link on the page: " + page.status() + page.body()));
  }

  /** The number of the test step; fails if the page is not at that step. */
  public String number() {
    Page page = page();
    return page.textOf("number")
        .orElseThrow(
            () -> new AssertionError("no number on the page: " + page.status() + page.body()));
  }

  /** Next on a time-out or refusal page. */
  public Page next() {
    page();
    return wizard.post("/register/push/retry", Map.of());
  }

  /**
   * Registers {@code phone} for a new user {@code username} through the whole push path: start,
   * activate, approve the test with the page's number. Returns the wizard (still signed in).
   */
  public static PushWizard register(Api api, String username, Phone phone) {
    String password = "correct horse battery";
    api.createUser(username, password);
    PushWizard wizard = new PushWizard(new WizardClient(api.base()));
    String uri = wizard.start(username, password);
    Phone.Run activated = phone.run("activate", uri);
    if (activated.exit() != 0) {
      throw new AssertionError("activate failed: " + activated.all());
    }
    String number = wizard.number();
    Phone.Run approved = phone.run("approve", "--number", number);
    if (approved.exit() != 0) {
      throw new AssertionError("approving the test failed: " + approved.all());
    }
    Page done = wizard.page();
    if (!"/register/done".equals(done.redirectPath())) {
      throw new AssertionError("the registration did not complete: " + done.status() + done.body());
    }
    return wizard;
  }
}
