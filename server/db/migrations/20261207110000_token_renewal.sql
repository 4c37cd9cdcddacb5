-- A device's token is replaced while the device is in use (POST /api/auth/renew). The token it
-- replaces is kept as `previous_token_hash` only so that a renewal whose answer never reached the
-- phone does not lock it out: it works until the new token is first used (`token_used`) or for a
-- short grace after the renewal, never afterwards. Older tokens are not kept at all.
alter table devices add column token_issued_at timestamptz not null default now();
update devices set token_issued_at = created_at;
-- Tokens issued before renewal existed have been used: the grace above never applies to them.
alter table devices add column token_used boolean not null default true;
alter table devices add column previous_token_hash text;
create unique index devices_previous_token on devices(previous_token_hash);
