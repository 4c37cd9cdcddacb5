-- A commune's report settings: the indicators its dashboards show and their targets
-- (src/domain/reportSettings.ts). One row per commune; no row means the defaults.
create table report_settings (
  commune_id uuid primary key references communes(id),
  settings jsonb not null,
  updated_by uuid,
  updated_at timestamptz not null default now()
);

-- The summary report reads one team's live records of one entity at a time.
create index records_team_entity_live on records(team_id, entity) where not deleted;

-- Visits by date within a team: the period's visits are a range, the earlier ones another.
-- The expression and predicate are the ones server/services/reports.ts queries with.
create index records_visit_date on records(team_id, ((data->>'date') collate "C")) where entity = 'visit' and not deleted;
