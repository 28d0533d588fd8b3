-- Part 5.1 — Co-location, measured: the same join on the distribution key, then off it.
-- Runs on generated data (schema lab_scale, 1,000,000 patients by default): load it first with the
-- dashboard's "Generate data" (coordinator-api), or
--   dotnet run --project Coordinator.Api/Checker -- generate --skewed
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part5/5.1-colocated-vs-repartition.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part5/5.1-colocated-vs-repartition.sql
--   It needs psql (\timing): DBeaver cannot run it.
-- \timing prints each statement's time: copy both into answers.md [5.1].
\timing on

-- [5.1] Medical records per country: lab_scale.patients joined to lab_scale.medicalrecords on the
-- patient AND on the distribution key (country). Run it, then EXPLAIN ANALYZE it and read
-- "Task Count": one task per shard group, each joining two co-located shards where they live.
SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON ___
GROUP BY p.country
ORDER BY p.country;

EXPLAIN (ANALYZE)
SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON ___
GROUP BY p.country;

-- [5.1b] The same join on idPatient only, as if the two tables were distributed by different keys
-- (the seed's reflection question). Citus must repartition both tables between the nodes first:
-- allow it, run the query, then EXPLAIN ANALYZE it (look for MapMergeJob). The rows are the same.
SET citus.enable_repartition_joins = ___;

SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON ___
GROUP BY p.country
ORDER BY p.country;

EXPLAIN (ANALYZE)
SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON ___
GROUP BY p.country;
