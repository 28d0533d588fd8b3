-- Part 5.4 — Skew: one site holds most of the rows, and every multi-shard query waits for it.
-- Load skewed data first (France holds 55% of the patients):
--   dotnet run --project Coordinator.Api/Checker -- generate --skewed   (or "Generate data" with skewed on)
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part5/5.4-skew.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part5/5.4-skew.sql
--   It needs psql (\timing): DBeaver cannot run it.
\timing on

-- [5.4] How many generated patients each site's node really stores (site, patients), most
-- first. Count on the placements themselves — run_command_on_placements runs a statement on every
-- shard placement (%s is the shard's name) — and name each node with lab_sites.
SELECT l.site, sum(r.result::bigint) AS patients
FROM run_command_on_placements('lab_scale.patients', '___') r
JOIN lab_sites l ON l.nodename = r.nodename AND l.nodeport = r.nodeport
GROUP BY l.site
ORDER BY patients DESC;

-- [5.4b] What the skew costs: EXPLAIN ANALYZE an aggregate over every country's records with
-- every task shown (citus.explain_all_tasks), and compare the tasks' "Execution Time" per node.
SET citus.explain_all_tasks = ___;

EXPLAIN (ANALYZE)
SELECT country, count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
GROUP BY country;
