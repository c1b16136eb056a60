-- Issue 14: password checks counted per (canonical username, client address), per client address
-- and for the whole cluster, in fixed windows, so a burst of wrong passwords from one address slows
-- that address and never the owner signing in from another. An attempt is taken before the hash by
-- one conditional UPDATE judged by its row count (or the INSERT that opens a bucket's first window):
-- the check and the count are one step on every node. Replaces sign_in_throttle (V2), which counted
-- by username alone; its counts are dropped (they were only delays).
DROP TABLE sign_in_throttle;

CREATE TABLE sign_in_attempts (
  -- name_address, address or global (core SignInThrottleRepository.Scope).
  scope        VARCHAR(16)              NOT NULL,
  -- Canonical form (core Username) for name_address, else ''. No foreign key: names nobody has
  -- are counted exactly like real ones (SECURITY-TESTS A5).
  username     VARCHAR(256)             NOT NULL,
  -- The client address (an IPv6 client as its /64) for name_address and address, else ''.
  address      VARCHAR(100)             NOT NULL,
  attempts     INTEGER                  NOT NULL,
  window_start TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT sign_in_attempts_pk PRIMARY KEY (scope, username, address),
  CONSTRAINT sign_in_attempts_not_negative CHECK (attempts >= 0)
);

CREATE INDEX sign_in_attempts_window_start ON sign_in_attempts (window_start);
