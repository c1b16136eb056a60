package io.latchkey.core.cloudbackup;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.UserId;
import java.util.Map;

/**
 * Where a recovery tells the user (SECURITY-TESTS E3: every recovery notifies, with repudiation
 * instructions). The notices stream's {@code Notices.send(UserId, NoticeKind.RECOVERY, ...)} is
 * wired in here; it is called inside the transaction of the change, so the notice is written with
 * it (outbox).
 */
@FunctionalInterface
public interface RecoveryNotice {
  /** No notices (until the notices are wired). */
  RecoveryNotice NONE = (user, context, facts) -> {};

  /**
   * @param facts plain values for the notice's text (which device, from where); never a secret
   */
  void recovered(UserId user, RequestContext context, Map<String, String> facts);
}
