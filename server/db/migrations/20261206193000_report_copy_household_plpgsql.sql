-- report_copy_household (20261206171000_report_rows.sql) as PL/pgSQL, with the same effect: a SQL
-- function's statements are planned again at every call, and that planning was most of a
-- household's push: the trigger took 0.9 ms of a household row's 1 ms INSERT (EXPLAIN ANALYZE of
-- 500-row INSERTs, tests/bench/reportsPush.ts); PL/pgSQL keeps the plans for the session.
create or replace function report_copy_household(team uuid, household uuid) returns void language plpgsql as $$
declare
  -- Nulls when the household has no row (deleted, or no consent to reporting).
  h_neighborhood text;
  h_consent_on text;
  h_withdrawn_on text;
begin
  select n.neighborhood, n.consent_on, n.withdrawn_on into h_neighborhood, h_consent_on, h_withdrawn_on
  from report_households n where n.team_id = team and n.id = household;
  update report_members x set neighborhood = h_neighborhood, consent_on = h_consent_on, withdrawn_on = h_withdrawn_on
  where x.team_id = team and x.household_id = household
    and (x.neighborhood, x.consent_on, x.withdrawn_on) is distinct from (h_neighborhood, h_consent_on, h_withdrawn_on);
  update report_visits x set neighborhood = h_neighborhood, consent_on = h_consent_on, withdrawn_on = h_withdrawn_on
  where x.team_id = team and x.household_id = household
    and (x.neighborhood, x.consent_on, x.withdrawn_on) is distinct from (h_neighborhood, h_consent_on, h_withdrawn_on);
end
$$;
