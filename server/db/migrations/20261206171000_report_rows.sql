-- Narrow copies of the fields the summary report counts (../shared/spec/indicators.md), kept by a
-- trigger on records. Counting a commune of 20 teams (2.8 million records) straight from the jsonb
-- documents reads about a gigabyte of rows; these tables are a tenth of that, typed and indexed
-- for the period's range and for one household's earlier visits.
--
-- A row exists only while its record can count: live, and for households with the reporting
-- purpose, for checklist steps done with a date on a step that is an indicator. Dates stay text in
-- the "C" collation, compared as the device compares them. Members and visits carry a copy of
-- their household's neighborhood and consent dates (null while it has no row), so that counting
-- them needs no join; a household's change rewrites its members' and visits' copies.

create table report_households (
  team_id uuid not null,
  id uuid not null,
  neighborhood text not null,
  -- consent.recordedAt and consent.withdrawnAt as calendar dates in Vietnam time (UTC+7).
  consent_on text collate "C" not null,
  withdrawn_on text collate "C",
  primary key (team_id, id)
);

create table report_members (
  team_id uuid not null,
  id uuid not null,
  household_id uuid not null,
  birth_year integer not null,
  has_smartphone boolean not null,
  uses_online_services boolean not null,
  has_payment_account boolean not null,
  vneid_level integer,
  vneid_level_since text collate "C",
  neighborhood text,
  consent_on text collate "C",
  withdrawn_on text collate "C",
  primary key (team_id, id)
);
create index report_members_household on report_members(team_id, household_id);

create table report_visits (
  team_id uuid not null,
  id uuid not null,
  household_id uuid not null,
  date text collate "C" not null,
  outcome text not null,
  follow_up_date text collate "C",
  created_by uuid,
  member_ids uuid[],
  results jsonb,
  neighborhood text,
  consent_on text collate "C",
  withdrawn_on text collate "C",
  primary key (team_id, id)
);
create index report_visits_date on report_visits(team_id, date);
-- One household's latest visit before a date: the last entry of its range.
create index report_visits_household on report_visits(team_id, household_id, date, id);

create table report_steps (
  team_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  step_key text not null,
  done_on text collate "C" not null,
  primary key (team_id, id)
);
create index report_steps_done on report_steps(team_id, done_on);

-- Vietnam has no daylight saving: the calendar date 7 hours after the instant in UTC.
create function report_vietnam_date(datetime text) returns text language sql stable as $$
  select to_char(($1::timestamptz at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD')
$$;

-- Copies a household's neighborhood and consent dates (or nulls, without its row) to its members and visits.
create function report_copy_household(team uuid, household uuid) returns void language sql as $$
  with h as (
    select n.neighborhood, n.consent_on, n.withdrawn_on
    from (select 1) one left join report_households n on n.team_id = team and n.id = household)
  , m as (
    update report_members x set neighborhood = h.neighborhood, consent_on = h.consent_on, withdrawn_on = h.withdrawn_on
    from h where x.team_id = team and x.household_id = household
      and (x.neighborhood, x.consent_on, x.withdrawn_on) is distinct from (h.neighborhood, h.consent_on, h.withdrawn_on))
  update report_visits x set neighborhood = h.neighborhood, consent_on = h.consent_on, withdrawn_on = h.withdrawn_on
  from h where x.team_id = team and x.household_id = household
    and (x.neighborhood, x.consent_on, x.withdrawn_on) is distinct from (h.neighborhood, h.consent_on, h.withdrawn_on)
$$;

-- Brings one record's narrow copy in line with the record (upsert or removal).
create function report_project(r records) returns void language plpgsql as $$
begin
  if r.entity = 'household' then
    if r.deleted or r.data is null or not coalesce(r.data->'consent'->'purposes' ? 'reporting', false) then
      delete from report_households where team_id = r.team_id and id = r.id;
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

create function report_records_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    delete from report_households where team_id = old.team_id and id = old.id;
    if old.entity = 'household' then
      perform report_copy_household(old.team_id, old.id);
    end if;
    delete from report_members where team_id = old.team_id and id = old.id;
    delete from report_visits where team_id = old.team_id and id = old.id;
    delete from report_steps where team_id = old.team_id and id = old.id;
    return null;
  end if;
  perform report_project(new);
  return null;
end
$$;

create trigger records_report after insert or update or delete on records
  for each row execute function report_records_changed();

-- Households first, so that members and visits find their household's copy.
select report_project(r) from records r where r.entity = 'household';
select report_project(r) from records r where r.entity in ('member', 'visit', 'checklistStep');
