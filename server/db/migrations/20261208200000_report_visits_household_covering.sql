-- The summary reads a household's visits before the period (its latest one, and whether any
-- reached it) from this index alone: with the outcome and the follow-up date beside the key it
-- needs no visit row, where reading those rows was most of a commune's counting. It replaces the
-- index of the same key, so a push still maintains one index entry per visit, a few bytes wider.
drop index report_visits_household;
create index report_visits_household on report_visits(team_id, household_id, date, id) include (outcome, follow_up_date);
