-- The summary reads a period's visits several times (their own figures and who recorded them, the
-- households they reached, the people they helped) through the index of their dates, and then
-- each visit's row from the table. For a month of a commune of 20 teams of 140,000 records
-- (500,000 visits) that was 500 pages of the index and 11,600 of the table, read through a bitmap
-- and each row checked again; with every field those statements read beside the key, it is one
-- range of 9,300 index pages read in order, and no visit row (EXPLAIN (ANALYZE, BUFFERS), issue 13).
--
-- The widest entry fits a B-tree entry (at most 2,704 bytes): 100 member ids (the records' bound,
-- ../shared/spec/sync-protocol.md) take 1,624 bytes, a neighborhood of 100 characters at most 400,
-- the six results counts about 150. It replaces the index of the same key, so a push still
-- maintains one entry per visit.
drop index report_visits_date;
create index report_visits_date on report_visits(team_id, date)
  include (outcome, created_by, neighborhood, consent_on, withdrawn_on, member_ids, results);
