-- Backup codes and one-time registration links (issue 5, issue 4). Runs unchanged on H2 2.4 and
-- PostgreSQL 15 (see V1 for the types both accept).

-- One row per backup code of a user's current set. Only a salted Argon2id hash (a PHC string) is
-- stored. Issuing a new set deletes the old rows in the same transaction; spending a code is one
-- conditional UPDATE ... WHERE used_at IS NULL (SECURITY-TESTS C5).
CREATE TABLE backup_codes (
  id         UUID                     NOT NULL PRIMARY KEY,
  user_id    UUID                     NOT NULL,
  set_id     UUID                     NOT NULL,
  code_hash  VARCHAR(512)             NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  used_at    TIMESTAMP WITH TIME ZONE,
  CONSTRAINT backup_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX backup_codes_user_idx ON backup_codes (user_id);

-- Links an administrator issues so that a user registers without a password. Only the SHA-256 of
-- the token is stored; redeeming is one conditional UPDATE, so a link opens one session at most.
CREATE TABLE registration_links (
  id         UUID                     NOT NULL PRIMARY KEY,
  user_id    UUID                     NOT NULL,
  token_hash BYTEA                    NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by VARCHAR(200)             NOT NULL,
  used_at    TIMESTAMP WITH TIME ZONE,
  revoked_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT registration_links_token_hash_unique UNIQUE (token_hash),
  CONSTRAINT registration_links_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX registration_links_user_idx ON registration_links (user_id);
