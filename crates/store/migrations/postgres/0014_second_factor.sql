-- Optional second factor (TOTP, RFC 6238) of an account (issue 10): the secret being enrolled until a first code
-- confirms it, the confirmed secret, and the last step accepted (a code is never accepted twice).
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
