-- Each team's summary figures for one period as last counted (server/services/reports.ts), with
-- the team's change number they counted (team_counters.last_seq, raised in the same transaction as
-- every change to its records). Counting a team takes a fifth of a second of the database's CPU;
-- a commune of 20 teams asked for a 6-period trend took over 20 seconds. A row answers again only
-- while the team's last_seq and the counting code and schema (`version`) are the ones it was counted
-- with, so every server process sharing the database can trust it.
--
-- `figures` is json, not jsonb, so that the indicators come back in the order they were written.
create table report_summary_cache (
  team_id uuid not null references teams(id) on delete cascade,
  period_from text collate "C" not null,
  period_to text collate "C" not null,
  last_seq bigint not null,
  version text not null,
  figures json not null,
  counted_at timestamptz not null default now(),
  primary key (team_id, period_from, period_to)
);
