-- Less work per pushed change (issue 12, load goals).
--
-- Nothing reads the audit by (team, change number): the team's page and the erasure read it by
-- (team, id), the commune's by (commune, id). Each audit row kept one entry more than it needed.
drop index audit_team;

-- The push names the commune of its audit rows itself (one lookup per batch): the function that
-- looks it up runs only for a row written without it.
drop trigger audit_log_commune on audit_log;
create trigger audit_log_commune before insert on audit_log for each row when (new.commune_id is null)
  execute function audit_log_commune();
