-- A record's report rows (20261206171000_report_rows.sql) are written again only when something
-- they copy from it changed (issue 12, load goals: at 200 devices the database's CPU is a third of
-- the machine). A patch of a household's notes rewrote its report row and then read every visit
-- and member of the household to compare their copies, all to change nothing: the team's shared
-- household in the load benchmark has hundreds of visits, and each of its patches read them all.
-- Inserts and deletes are projected as before, except that a household that had no report row and
-- still has none (created without the reporting purpose) no longer visits its members and visits.

-- report_project (20261206171000_report_rows.sql) with that one change.
create or replace function report_project(r records) returns void language plpgsql as $$
begin
  if r.entity = 'household' then
    if r.deleted or r.data is null or not coalesce(r.data->'consent'->'purposes' ? 'reporting', false) then
      delete from report_households where team_id = r.team_id and id = r.id;
      -- Without a row before either, its members' and visits' copies are already empty (they are
      -- taken from the row): a new household without the reporting purpose reads none of them.
      if not found then
        return;
      end if;
    else
      insert into report_households (team_id, id, neighborhood, consent_on, withdrawn_on)
      values (r.team_id, r.id, r.data->>'neighborhood',
              report_vietnam_date(r.data->'consent'->>'recordedAt'),
              report_vietnam_date(r.data->'consent'->>'withdrawnAt'))
      on conflict (team_id, id) do update set neighborhood = excluded.neighborhood,
        consent_on = excluded.consent_on, withdrawn_on = excluded.withdrawn_on;
    end if;
    perform report_copy_household(r.team_id, r.id);
  elsif r.entity = 'member' then
    if r.deleted or r.data is null then
      delete from report_members where team_id = r.team_id and id = r.id;
    else
      insert into report_members (team_id, id, household_id, birth_year, has_smartphone, uses_online_services,
                                  has_payment_account, vneid_level, vneid_level_since, neighborhood, consent_on, withdrawn_on)
      select r.team_id, r.id, m.household_id, (r.data->>'birthYear')::integer,
              coalesce(r.data->'hasSmartphone' = 'true', false), coalesce(r.data->'usesOnlineServices' = 'true', false),
              coalesce(r.data->'hasPaymentAccount' = 'true', false), (r.data->>'vneidLevel')::integer, r.data->>'vneidLevelSince',
              h.neighborhood, h.consent_on, h.withdrawn_on
      from (select (r.data->>'householdId')::uuid as household_id) m
        left join report_households h on h.team_id = r.team_id and h.id = m.household_id
      on conflict (team_id, id) do update set household_id = excluded.household_id, birth_year = excluded.birth_year,
        has_smartphone = excluded.has_smartphone, uses_online_services = excluded.uses_online_services,
        has_payment_account = excluded.has_payment_account, vneid_level = excluded.vneid_level,
        vneid_level_since = excluded.vneid_level_since, neighborhood = excluded.neighborhood,
        consent_on = excluded.consent_on, withdrawn_on = excluded.withdrawn_on;
    end if;
  elsif r.entity = 'visit' then
    if r.deleted or r.data is null then
      delete from report_visits where team_id = r.team_id and id = r.id;
    else
      insert into report_visits (team_id, id, household_id, date, outcome, follow_up_date, created_by, member_ids, results,
                                 neighborhood, consent_on, withdrawn_on)
      select r.team_id, r.id, v.household_id, r.data->>'date', r.data->>'outcome', r.data->>'followUpDate',
              r.created_by,
              case when jsonb_typeof(r.data->'memberIds') = 'array'
                   then array(select jsonb_array_elements_text(r.data->'memberIds')::uuid) end,
              case when jsonb_typeof(r.data->'results') = 'object' then r.data->'results' end,
              h.neighborhood, h.consent_on, h.withdrawn_on
      from (select (r.data->>'householdId')::uuid as household_id) v
        left join report_households h on h.team_id = r.team_id and h.id = v.household_id
      on conflict (team_id, id) do update set household_id = excluded.household_id, date = excluded.date,
        outcome = excluded.outcome, follow_up_date = excluded.follow_up_date, created_by = excluded.created_by,
        member_ids = excluded.member_ids, results = excluded.results, neighborhood = excluded.neighborhood,
        consent_on = excluded.consent_on, withdrawn_on = excluded.withdrawn_on;
    end if;
  elsif r.entity = 'checklistStep' then
    if r.deleted or r.data is null or r.data->>'status' is distinct from 'done' or r.data->>'doneOn' is null
       or not (r.data->>'stepKey' = any (array['level1.activated', 'level2.activated', 'after.integrateDocs'])) then
      delete from report_steps where team_id = r.team_id and id = r.id;
    else
      insert into report_steps (team_id, id, member_id, step_key, done_on)
      values (r.team_id, r.id, (r.data->>'memberId')::uuid, r.data->>'stepKey', r.data->>'doneOn')
      on conflict (team_id, id) do update set member_id = excluded.member_id, step_key = excluded.step_key,
        done_on = excluded.done_on;
    end if;
  end if;
end
$$;


-- What report_project reads from a record, besides its team, id, entity and creator.
create function report_inputs(r records) returns jsonb language sql immutable as $$
  select case r.entity
    when 'household' then jsonb_build_array(r.deleted, r.data -> 'neighborhood', r.data -> 'consent')
    when 'member' then jsonb_build_array(r.deleted, r.data -> 'householdId', r.data -> 'birthYear', r.data -> 'hasSmartphone',
      r.data -> 'usesOnlineServices', r.data -> 'hasPaymentAccount', r.data -> 'vneidLevel', r.data -> 'vneidLevelSince')
    when 'visit' then jsonb_build_array(r.deleted, r.data -> 'householdId', r.data -> 'date', r.data -> 'outcome',
      r.data -> 'followUpDate', r.data -> 'memberIds', r.data -> 'results')
    when 'checklistStep' then jsonb_build_array(r.deleted, r.data -> 'status', r.data -> 'doneOn', r.data -> 'stepKey', r.data -> 'memberId')
    else jsonb_build_array(r.deleted)
  end
$$;

drop trigger records_report on records;
create trigger records_report after insert or delete on records
  for each row execute function report_records_changed();
-- The condition is checked before the function is called: an update that changes none of it
-- costs no PL/pgSQL call at all.
create trigger records_report_update after update on records
  for each row
  when (old.team_id is distinct from new.team_id or old.id is distinct from new.id or old.entity is distinct from new.entity
        or old.created_by is distinct from new.created_by or report_inputs(old) is distinct from report_inputs(new))
  execute function report_records_changed();
