-- A record's report rows (20261206171000_report_rows.sql) are written again only when something
-- they copy from it changed (issue 12, load goals: at 200 devices the database's CPU is a third of
-- the machine). A patch of a household's notes rewrote its report row and then read every visit
-- and member of the household to compare their copies, all to change nothing: the team's shared
-- household in the load benchmark has hundreds of visits, and each of its patches read them all.
-- Inserts and deletes are projected as before.

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
