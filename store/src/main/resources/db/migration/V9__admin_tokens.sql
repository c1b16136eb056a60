-- Admin login (issue 12): the user API's token table holds every kind of API token. Same
-- conventions as V1 and V8: runs unchanged on H2 2.4 and PostgreSQL 15. No CHECK on kind: the
-- application writes only the names of core's TokenKind, and a reader refuses any other.

-- USER (lku_, /api/v1/user/**), ADMIN (lka_, the admin API and metrics), METRICS (lkm_, read-only
-- /actuator/**), ADMIN_PUSH (lkp_, an admin login waiting for its push approval; opens nothing).
ALTER TABLE user_api_tokens ADD COLUMN kind VARCHAR(16) DEFAULT 'USER' NOT NULL;

-- A metrics token's name, shown when the tokens are listed.
ALTER TABLE user_api_tokens ADD COLUMN name VARCHAR(100);

-- The push sign-in request a pending admin push login waits for.
ALTER TABLE user_api_tokens ADD COLUMN challenge_id UUID;

CREATE INDEX user_api_tokens_kind_idx ON user_api_tokens (kind, expires_at);
