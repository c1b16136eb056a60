-- Cloud backup (issue 5): user API sessions and the app's encrypted backups. Same conventions as
-- V1 and V4: runs unchanged on H2 2.4 and PostgreSQL 15.

-- Sessions of the user API (/api/v1/user/**), opened with the password and a second factor. Only
-- the SHA-256 of the token is kept; a token lives minutes and can be revoked.
CREATE TABLE user_api_tokens (
  id         UUID                     NOT NULL PRIMARY KEY,
  user_id    UUID                     NOT NULL,
  token_hash BYTEA                    NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT user_api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT user_api_tokens_hash_unique UNIQUE (token_hash),
  CONSTRAINT user_api_tokens_lifetime CHECK (expires_at > created_at)
);

CREATE INDEX user_api_tokens_expires_idx ON user_api_tokens (expires_at);

-- One encrypted backup per user: opaque bytes the server never parses (the key is derived on the
-- device from a password the server never sees), and a version that every upload increments.
CREATE TABLE cloud_backups (
  user_id    UUID                     NOT NULL PRIMARY KEY,
  version    BIGINT                   NOT NULL,
  content    BYTEA                    NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT cloud_backups_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT cloud_backups_version_positive CHECK (version >= 1)
);
