-- Issue 12: after an administrator reset a user's methods or enabled the user, the first new
-- registration needs a one-time registration link (unless the policy allows the password alone),
-- so that whoever knows the password cannot register an authenticator of their own.
ALTER TABLE users ADD COLUMN registration_link_required BOOLEAN DEFAULT FALSE NOT NULL;
