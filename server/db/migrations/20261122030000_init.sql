-- Every team table is keyed by team first, so a distributed PostgreSQL (Citus) can shard by team.

create table communes (
  id uuid primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);

create table teams (
  id uuid primary key,
  commune_id uuid not null references communes(id),
  name text not null,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  team_id uuid references teams(id),
  commune_id uuid not null references communes(id),
  name text not null,
  role text not null check (role in ('member', 'head', 'admin')),
  created_at timestamptz not null default now()
);
create index users_team on users(team_id);

create table devices (
  id uuid primary key,
  team_id uuid references teams(id),
  user_id uuid not null references users(id),
  label text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz,
  revoked_at timestamptz
);
create index devices_team on devices(team_id);

create table invites (
  code_hash text primary key,
  commune_id uuid not null references communes(id),
  team_id uuid references teams(id),
  role text not null check (role in ('member', 'head', 'admin')),
  max_uses integer not null,
  uses integer not null default 0,
  expires_at timestamptz not null,
  created_by uuid,
  created_at timestamptz not null default now()
);

-- The team's change counter: allocation takes the row lock until commit, so change numbers are
-- committed in order and a pull cursor never skips a row.
create table team_counters (
  team_id uuid primary key references teams(id),
  last_seq bigint not null default 0
);

create table records (
  team_id uuid not null,
  id uuid not null,
  entity text not null,
  version integer not null,
  deleted boolean not null default false,
  data jsonb,
  field_versions jsonb not null default '{}'::jsonb,
  server_seq bigint not null,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (team_id, id)
);
create index records_team_seq on records(team_id, server_seq);
create index records_id on records(id);
create index records_household on records(team_id, ((data->>'householdId'))) where data ? 'householdId';
create index records_member on records(team_id, ((data->>'memberId'))) where data ? 'memberId';

-- One row per mutation id: the answer given, so a re-sent mutation gets the same answer.
create table mutations (
  team_id uuid not null,
  mid uuid not null,
  device_id uuid not null,
  seq bigint not null,
  entity text not null,
  record_id uuid not null,
  result jsonb not null,
  received_at timestamptz not null default now(),
  primary key (team_id, mid)
);
create unique index mutations_device_seq on mutations(team_id, device_id, seq);

-- Who changed what and when, for every applied mutation (and every cascaded tombstone).
create table audit_log (
  team_id uuid not null,
  server_seq bigint not null,
  record_id uuid not null,
  entity text not null,
  op text not null,
  fields jsonb,
  user_id uuid,
  device_id uuid,
  mid uuid,
  client_ts text,
  at timestamptz not null default now()
);
create index audit_team on audit_log(team_id, server_seq);

create table guides (
  id text not null,
  lang text not null,
  slug text not null,
  version integer not null,
  title text not null,
  body jsonb not null,
  published_seq bigint not null,
  published_at timestamptz not null default now(),
  primary key (id, lang)
);

create table server_meta (
  key text primary key,
  value text not null
);
