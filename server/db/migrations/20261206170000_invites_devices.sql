-- An invite gets an id a head can list and cancel it by (its code is only kept hashed), and the
-- device that made it, so removing that device cancels the invites it made.
alter table invites add column id uuid not null default gen_random_uuid();
create unique index invites_id on invites(id);
alter table invites add column created_by_device uuid;
create index invites_team on invites(team_id);
