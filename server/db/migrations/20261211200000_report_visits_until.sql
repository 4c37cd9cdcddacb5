-- Each visit's report row knows until when it is its household's latest visit, so that the summary
-- counts a household's state at a period's end (ever reached, reached in the period, open and
-- overdue follow-ups; ../shared/spec/indicators.md) as a filtered range of an index, instead of
-- hashing the period's visits by household and probing each household's earlier ones: that
-- statement was 45 % of the database's CPU for a commune's summary (20 teams of 140,000 records,
-- issue 13), 0.5 s of CPU for 7 teams where the statements below take 0.09 s.
--
-- The order is the spec's "latest visit": by date, ties by id (uuid order is the order of its
-- lowercase text). Counted-ness needs no care here: a household's visits all carry its consent, so
-- they count or not together, and a deleted visit has no row.
--   latest_until: the date of the household's next visit in that order, or '~' (after any date in
--     the "C" collation) for its last. A visit is the latest at `to` when date <= to < latest_until.
--   reached_until: the same among the household's visits whose outcome is not "notHome" (null on a
--     notHome visit). A household was reached by `to` when one of its visits has
--     date <= to < reached_until, and in the period when that visit's date is also >= from.
-- A household has at most one such visit at any `to`, so counting them counts households.

-- The table is written again with the two columns filled in one pass: updating 90 % of its rows
-- in place (every visit but each household's last) took 277 s on 2 million visits and left the
-- table twice its size. Nothing refers to the table but functions, which find it by name when run.
alter table report_visits rename to report_visits_before;
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
  latest_until text collate "C" not null,
  reached_until text collate "C"
);
insert into report_visits
select team_id, id, household_id, date, outcome, follow_up_date, created_by, member_ids, results, neighborhood, consent_on, withdrawn_on,
  coalesce(lead(date) over (partition by team_id, household_id order by date, id), '~'),
  case when outcome <> 'notHome'
    then coalesce(lead(date) over (partition by team_id, household_id, outcome <> 'notHome' order by date, id), '~') end
from report_visits_before;
drop table report_visits_before;
alter table report_visits add primary key (team_id, id);
-- The indexes of 20261206171000, 20261208200000 and 20261210200000, as they were.
create index report_visits_date on report_visits(team_id, date)
  include (outcome, created_by, neighborhood, consent_on, withdrawn_on, member_ids, results);
create index report_visits_household on report_visits(team_id, household_id, date, id) include (outcome, follow_up_date);
-- The visits that can be a household's latest reached visit at some `to` after the given one,
-- with what counting them reads: an index-only range.
create index report_visits_reached on report_visits(team_id, reached_until)
  include (date, neighborhood, consent_on, withdrawn_on) where outcome <> 'notHome';
-- The same for the visits that open a follow-up: the latest one at `to` is an open follow-up.
create index report_visits_follow_up on report_visits(team_id, latest_until)
  include (date, follow_up_date, neighborhood, consent_on, withdrawn_on) where outcome = 'followUp' or follow_up_date is not null;

-- Every statement below names a visit row by its whole place in report_visits_household (team,
-- household, date, id), never by the primary key alone: planned while report_visits had no
-- statistics (a new server's first push), a lookup of (team_id, id) was served by that index, whose
-- leading team_id matched and whose id it then compared entry by entry, so that every lookup read
-- the team's visits and each push of visits was slower than the last (0.3 ms per visit in the
-- first batch of 500, 2 ms in the twelfth). A lookup by the whole place is one probe whichever index
-- serves it. The lookups of a neighbour name the whole key in the index's order too, so that its
-- range is the plan whatever the statistics.

-- Brings a visit's report row in line with its record `r`, and its household's order with it.
-- `o` is the record before the change when `o_known` (the trigger's OLD, null for an insert): a
-- visit's row is its live record's projection, so it names the row's place without a lookup.
-- A change that keeps the household, the date and whether it reached the household (most patches)
-- keeps its place; any other takes the visit out of its old place and puts it at its new one. Only
-- the visit just before a place in each order (usually the same one) changes: taken out, the visit
-- before it takes its latest_until and reached_until; put in, the visit before it ends at its date.
-- A visit added after its household's others (the usual push) finds nothing after it and one visit
-- before it: two lookups, one write of that visit, all in this one function (each call of a helper
-- function is a statement of its own).
-- Two transactions changing one team's visits at once would each link theirs without seeing the
-- other's: pushes take their team's counter lock anyway, and this lock per team makes any other
-- writer of records wait the same way (one lock per transaction: one per household would take a
-- slot of the shared lock table for every household of a 500-visit push).
create function report_project_visit(r records, o records, o_known boolean) returns void language plpgsql as $$
declare
  had boolean;
  o_household uuid;
  o_date text;
  o_outcome text;
  o_latest text;
  o_reached text;
  n_household uuid;
  n_date text;
  n_reaching boolean;
  n_latest text;
  n_reached text;
  b_id uuid;
  b_date text;
  b_reaching boolean;
  next_date text;
  next_reaching boolean;
begin
  perform pg_advisory_xact_lock(hashtextextended('report_visits ' || r.team_id::text, 0));
  if o_known then
    had := o.id is not null and o.entity = 'visit' and not o.deleted and o.data is not null;
    if had then
      o_household := (o.data->>'householdId')::uuid;
      o_date := o.data->>'date';
      o_outcome := o.data->>'outcome';
    end if;
  else
    select v.household_id, v.date, v.outcome into o_household, o_date, o_outcome
    from report_visits v where v.team_id = r.team_id and v.id = r.id;
    had := found;
  end if;
  if not (r.deleted or r.data is null) then
    n_household := (r.data->>'householdId')::uuid;
    n_date := r.data->>'date';
    n_reaching := (r.data->>'outcome') <> 'notHome';
    if had and n_household = o_household and n_date = o_date and n_reaching = (o_outcome <> 'notHome') then
      update report_visits v set outcome = r.data->>'outcome', follow_up_date = r.data->>'followUpDate', created_by = r.created_by,
        member_ids = case when jsonb_typeof(r.data->'memberIds') = 'array'
                          then array(select jsonb_array_elements_text(r.data->'memberIds')::uuid) end,
        results = case when jsonb_typeof(r.data->'results') = 'object' then r.data->'results' end
      where v.team_id = r.team_id and v.household_id = o_household and v.date = o_date and v.id = r.id;
      if found then
        return;
      end if;
    end if;
  end if;

  if had then
    delete from report_visits v where v.team_id = r.team_id and v.household_id = o_household and v.date = o_date and v.id = r.id
    returning v.latest_until, v.reached_until into o_latest, o_reached;
    if found then
      select v.id, v.date, v.outcome <> 'notHome' into b_id, b_date, b_reaching from report_visits v
      where (v.team_id, v.household_id, v.date, v.id) < (r.team_id, o_household, o_date, r.id)
        and v.team_id = r.team_id and v.household_id = o_household
      order by v.team_id desc, v.household_id desc, v.date desc, v.id desc limit 1;
      if b_id is not null then
        update report_visits v set latest_until = o_latest,
          reached_until = case when b_reaching and o_reached is not null then o_reached else v.reached_until end
        where v.team_id = r.team_id and v.household_id = o_household and v.date = b_date and v.id = b_id;
        if o_reached is not null and not b_reaching then
          select v.id, v.date into b_id, b_date from report_visits v
          where (v.team_id, v.household_id, v.date, v.id) < (r.team_id, o_household, o_date, r.id)
            and v.team_id = r.team_id and v.household_id = o_household and v.outcome <> 'notHome'
          order by v.team_id desc, v.household_id desc, v.date desc, v.id desc limit 1;
          if found then
            update report_visits v set reached_until = o_reached
            where v.team_id = r.team_id and v.household_id = o_household and v.date = b_date and v.id = b_id;
          end if;
        end if;
      end if;
    end if;
  end if;
  if r.deleted or r.data is null then
    return;
  end if;

  select v.date, v.outcome <> 'notHome' into next_date, next_reaching from report_visits v
  where (v.team_id, v.household_id, v.date, v.id) > (r.team_id, n_household, n_date, r.id)
    and v.team_id = r.team_id and v.household_id = n_household
  order by v.team_id, v.household_id, v.date, v.id limit 1;
  n_latest := coalesce(next_date, '~');
  if n_reaching then
    if next_date is null or next_reaching then
      n_reached := n_latest;
    else
      select v.date into next_date from report_visits v
      where (v.team_id, v.household_id, v.date, v.id) > (r.team_id, n_household, n_date, r.id)
        and v.team_id = r.team_id and v.household_id = n_household and v.outcome <> 'notHome'
      order by v.team_id, v.household_id, v.date, v.id limit 1;
      n_reached := coalesce(next_date, '~');
    end if;
  end if;
  b_id := null;
  select v.id, v.date, v.outcome <> 'notHome' into b_id, b_date, b_reaching from report_visits v
  where (v.team_id, v.household_id, v.date, v.id) < (r.team_id, n_household, n_date, r.id)
    and v.team_id = r.team_id and v.household_id = n_household
  order by v.team_id desc, v.household_id desc, v.date desc, v.id desc limit 1;
  if b_id is not null then
    update report_visits v set latest_until = n_date,
      reached_until = case when n_reaching and b_reaching then n_date else v.reached_until end
    where v.team_id = r.team_id and v.household_id = n_household and v.date = b_date and v.id = b_id;
    if n_reaching and not b_reaching then
      select v.id, v.date into b_id, b_date from report_visits v
      where (v.team_id, v.household_id, v.date, v.id) < (r.team_id, n_household, n_date, r.id)
        and v.team_id = r.team_id and v.household_id = n_household and v.outcome <> 'notHome'
      order by v.team_id desc, v.household_id desc, v.date desc, v.id desc limit 1;
      if found then
        update report_visits v set reached_until = n_date
        where v.team_id = r.team_id and v.household_id = n_household and v.date = b_date and v.id = b_id;
      end if;
    end if;
  end if;
  insert into report_visits (team_id, id, household_id, date, outcome, follow_up_date, created_by, member_ids, results,
                             neighborhood, consent_on, withdrawn_on, latest_until, reached_until)
  select r.team_id, r.id, n_household, n_date, r.data->>'outcome', r.data->>'followUpDate', r.created_by,
    case when jsonb_typeof(r.data->'memberIds') = 'array'
         then array(select jsonb_array_elements_text(r.data->'memberIds')::uuid) end,
    case when jsonb_typeof(r.data->'results') = 'object' then r.data->'results' end,
    h.neighborhood, h.consent_on, h.withdrawn_on, n_latest, n_reached
  from (select 1) one
    left join report_households h on h.team_id = r.team_id and h.id = n_household
  -- A row its record did not name (written while this trigger was disabled) is replaced.
  on conflict (team_id, id) do update set household_id = excluded.household_id, date = excluded.date,
    outcome = excluded.outcome, follow_up_date = excluded.follow_up_date, created_by = excluded.created_by,
    member_ids = excluded.member_ids, results = excluded.results, neighborhood = excluded.neighborhood,
    consent_on = excluded.consent_on, withdrawn_on = excluded.withdrawn_on,
    latest_until = excluded.latest_until, reached_until = excluded.reached_until;
end
$$;

-- report_project (20261209200000_report_rows_unchanged.sql) with its visits projected by
-- report_project_visit.
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
    perform report_project_visit(r, null, false);
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

-- report_records_changed (20261206171000_report_rows.sql) with a visit's row projected knowing the
-- record before the change, and a removed record's visit row taken out of its household's order.
create or replace function report_records_changed() returns trigger language plpgsql as $$
declare
  gone records;
begin
  if tg_op = 'DELETE' then
    delete from report_households where team_id = old.team_id and id = old.id;
    if old.entity = 'household' then
      perform report_copy_household(old.team_id, old.id);
    end if;
    delete from report_members where team_id = old.team_id and id = old.id;
    if old.entity = 'visit' then
      gone := old;
      gone.deleted := true;
      perform report_project_visit(gone, old, true);
    end if;
    delete from report_steps where team_id = old.team_id and id = old.id;
    return null;
  end if;
  if new.entity = 'visit' then
    perform report_project_visit(new, case when tg_op = 'UPDATE' then old end, true);
    return null;
  end if;
  perform report_project(new);
  return null;
end
$$;
