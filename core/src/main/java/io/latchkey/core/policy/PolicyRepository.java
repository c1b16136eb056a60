package io.latchkey.core.policy;

import java.util.List;
import java.util.Optional;

/** The stored versions of the policy (version 1 onwards). */
public interface PolicyRepository {

  /** The newest stored version: one indexed read. Empty while only version 0 exists. */
  Optional<PolicyRecord> latest();

  /**
   * Stores a new version.
   *
   * @return false if that version number is already taken (another node changed the policy at the
   *     same time): the caller lost the race
   */
  boolean insert(PolicyRecord version);

  /** Stored versions, newest first, at most {@code limit}. */
  List<PolicyRecord> history(int limit);
}
