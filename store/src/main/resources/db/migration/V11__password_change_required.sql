-- Issue 14: a password set by an administrator (admin set-password, the admin API) or the first
-- start's one-time administrator password must be changed by its user at the next sign-in.
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN DEFAULT FALSE NOT NULL;
