-- Policy versions (issue 4): the policy an administrator changes while the server runs, one row
-- per version, each with who, when, why and what changed. Version 0 is the configuration the
-- server starts with and is never stored. The primary key on the version number is what keeps two
-- nodes changing the policy at the same time from both writing version N: the second insert fails
-- and that administrator is told to reload. Runs unchanged on H2 2.4 and PostgreSQL 15.
CREATE TABLE policy_versions (
  version        BIGINT                   NOT NULL PRIMARY KEY,
  changed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  changed_by     VARCHAR(200)             NOT NULL,
  reason         VARCHAR(500)             NOT NULL,
  correlation_id VARCHAR(32),
  -- Every setting as "key=value" lines (canonical text, see PolicyKey): a later release that adds
  -- a key still reads an old version, the new key taking its initial value.
  settings       VARCHAR(8000)            NOT NULL,
  -- What differs from the version before, as "key<TAB>from<TAB>to" lines.
  changes        VARCHAR(8000)            NOT NULL,
  CONSTRAINT policy_versions_version_positive CHECK (version >= 1)
);

-- When the current run of consecutive failed attempts began (the evidence of a lockout block);
-- NULL without failures. A success, an unblock or an enable clears it with the count.
ALTER TABLE users ADD COLUMN failures_since TIMESTAMP WITH TIME ZONE;
