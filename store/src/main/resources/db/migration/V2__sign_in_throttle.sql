-- Failed passwords per canonical username, so that every node slows down guessing of one name
-- alike (SECURITY-TESTS B5: a delay, never a lock). Keyed by the name, not by a user, because
-- names nobody has are counted exactly like real ones (A5); hence no foreign key. A row exists
-- only between a first failure and the next success. The wait is computed from failures and
-- last_failure_at, so a failure is one atomic UPDATE (or the INSERT of the first one).
CREATE TABLE sign_in_throttle (
  -- Canonical form (core Username), as users.username.
  username        VARCHAR(256)             NOT NULL PRIMARY KEY,
  failures        INTEGER                  NOT NULL,
  last_failure_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT sign_in_throttle_failures_positive CHECK (failures >= 1)
);
