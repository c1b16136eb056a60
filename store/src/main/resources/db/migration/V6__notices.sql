-- Security notices (issue 5): each user's optional notice address, and the notices themselves,
-- which are both the user's history (shown on their page) and the outbox of the mail sender.
-- Same types and conventions as V1: runs unchanged on H2 2.4 and PostgreSQL 15.

-- core EmailAddress: ASCII, at most 254 characters, no control characters. NULL: no address.
ALTER TABLE users ADD COLUMN email VARCHAR(254);
