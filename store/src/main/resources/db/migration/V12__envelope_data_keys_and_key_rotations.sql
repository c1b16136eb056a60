-- Key rotation while running (issue 14): envelope encryption. The key file (DATA/keys/secret-keys)
-- holds the key-encryption keys; the data keys that seal TOTP secrets live here, each wrapped
-- (AES-256-GCM) under a key of the key file, so every node that has the same key file finds a data
-- key by the ID a row names, and the database alone still opens nothing. Same conventions as V1:
-- runs unchanged on H2 2.4 and PostgreSQL 15.

CREATE TABLE data_keys (
  id              VARCHAR(32)              NOT NULL PRIMARY KEY,
  -- The 32-byte data key: nonce || ciphertext || tag under key wrapping_key_id of the key file,
  -- with 'latchkey-data-key:' || id as associated data. Both NULL: the ID is a key of the key file
  -- itself, which sealed rows directly before V12 (they open with it until a rotation re-seals).
  wrapped         BYTEA,
  wrapping_key_id VARCHAR(32),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT data_keys_wrapped_names_its_key CHECK ((wrapped IS NULL) = (wrapping_key_id IS NULL))
);

-- The key-file keys that rows name today.
INSERT INTO data_keys (id, wrapped, wrapping_key_id, created_at)
  SELECT k.key_id, CAST(NULL AS BYTEA), CAST(NULL AS VARCHAR(32)), CURRENT_TIMESTAMP
  FROM (SELECT key_id FROM totp_credentials
        UNION SELECT key_id FROM enrollments WHERE key_id IS NOT NULL) k;

-- Every sealed value names a key that exists: a key is retired by deleting its row, which the
-- database refuses while any row still uses it (and an insert naming a retired key fails).
ALTER TABLE totp_credentials ADD CONSTRAINT totp_credentials_key_fk
  FOREIGN KEY (key_id) REFERENCES data_keys (id);
ALTER TABLE enrollments ADD CONSTRAINT enrollments_key_fk
  FOREIGN KEY (key_id) REFERENCES data_keys (id);
CREATE INDEX totp_credentials_key_idx ON totp_credentials (key_id);
CREATE INDEX enrollments_key_idx ON enrollments (key_id);

-- The key that seals new values, one row for every node. Sealing reads it with a row lock in the
-- sealing transaction, so a rotation's switch waits for sealings in flight and none seals with a
-- key after the switch. Empty until the first start after V12 creates the first data key.
CREATE TABLE sealing_key (
  id         INTEGER                  NOT NULL PRIMARY KEY,
  key_id     VARCHAR(32)              NOT NULL,
  changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT sealing_key_single_row CHECK (id = 1),
  CONSTRAINT sealing_key_key_fk FOREIGN KEY (key_id) REFERENCES data_keys (id)
);

-- Rotations: the state of the background job (resumable after a restart, on any node) and what
-- the admin API shows.
CREATE TABLE key_rotations (
  id              UUID                     NOT NULL PRIMARY KEY,
  new_key_id      VARCHAR(32)              NOT NULL,
  -- The keys in use when it started (comma-separated), retired when no row uses them.
  old_key_ids     VARCHAR(1000)            NOT NULL,
  state           VARCHAR(16)              NOT NULL,
  -- 'RUNNING' while running, NULL once finished: UNIQUE makes "one rotation at a time" a database
  -- guarantee across nodes (both databases allow any number of NULLs under UNIQUE).
  running_key     VARCHAR(16),
  started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  started_by      VARCHAR(200)             NOT NULL,
  correlation_id  VARCHAR(32)              NOT NULL,
  batches         INTEGER                  NOT NULL,
  resealed        BIGINT                   NOT NULL,
  retired_key_ids VARCHAR(1000),
  updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  finished_at     TIMESTAMP WITH TIME ZONE,
  last_error      VARCHAR(500),
  -- The node running the job and until when (a lease: a node that died loses it when it expires).
  lease_owner     VARCHAR(64),
  lease_until     TIMESTAMP WITH TIME ZONE,
  CONSTRAINT key_rotations_running_unique UNIQUE (running_key),
  CONSTRAINT key_rotations_state_known CHECK (state IN ('RUNNING', 'FINISHED')),
  CONSTRAINT key_rotations_running_key_matches CHECK (
    (state = 'RUNNING' AND running_key = 'RUNNING' AND finished_at IS NULL)
    OR (state = 'FINISHED' AND running_key IS NULL AND finished_at IS NOT NULL))
);

CREATE INDEX key_rotations_started_idx ON key_rotations (started_at);
