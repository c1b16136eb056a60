package io.latchkey.core.policy;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;

/** What the automatic blocks count, read from where the events are stored. */
public interface ActivityRepository {

  /** Registration attempts (starts and retries, TOTP and push) created since, oldest first. */
  List<Activity> registrationAttemptsSince(UserId user, Instant since);

  /** Push requests the user denied or reported since, oldest first. */
  List<Activity> pushRefusalsSince(UserId user, Instant since);
}
