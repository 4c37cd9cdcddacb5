-- A role and a database for the server tests on a real PostgreSQL (used by .ci/run).
do $$ begin
  if not exists (select from pg_roles where rolname = 'cds') then create role cds login password 'cds'; end if;
end $$;
select 'create database cds_test owner cds' where not exists (select from pg_database where datname = 'cds_test')\gexec
