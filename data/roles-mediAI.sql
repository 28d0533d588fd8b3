-- MediAI — the read-only role the lab's query API uses (lab_reader).
-- Run on the coordinator after the schema (and after init-cluster.sql on Citus, so the grants
-- reach every shard). Idempotent. The password is a psql variable:
--   psql -d mediAI -v reader_password=postgres -f roles-mediAI.sql
\if :{?reader_password} \else \set reader_password postgres \endif

-- LOGIN with the cluster password: Citus connects to the workers as the current user, with the
-- password the nodes hold for the cluster.
SELECT format('CREATE ROLE lab_reader LOGIN PASSWORD %L', :'reader_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lab_reader') \gexec
SELECT format('ALTER ROLE lab_reader PASSWORD %L', :'reader_password') \gexec
-- The lab's mark: on a cluster the lab shares with others, its cleanup drops only the roles that carry it.
COMMENT ON ROLE lab_reader IS 'MediAI lab: the query API''s read-only role (data/roles-mediAI.sql)';

GRANT USAGE ON SCHEMA public TO lab_reader;
-- Table by table, not ON ALL TABLES: on the coordinator "all tables" would include the shards it
-- stores (named <table>_<shard id>), and Citus refuses a grant that touches them directly.
SELECT format('GRANT SELECT ON %s TO lab_reader', c.oid::regclass)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname !~ '_[0-9]{6,}$' \gexec
-- Views and tables students create later (their fragments) are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO lab_reader;
