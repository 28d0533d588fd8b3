-- Part 5.2 — A router query against a multi-shard query: one site answers, or every site does.
-- Runs on generated data (schema lab_scale): see 5.1 for how to load it.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part5/5.2-router-vs-multi-shard.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part5/5.2-router-vs-multi-shard.sql
--   It needs psql (\timing): DBeaver cannot run it.
\timing on

-- [5.2] Patient 400000123 (a generated patient of Japan's): how many medical records, and their
-- average aiScore rounded to 4 decimals (records, avg_score). Filter on the distribution key too
-- (country = 'Japan'), so that Citus routes the query to the one shard that can hold the rows.
-- Run it twice (the first run also opens the connection to the site), then EXPLAIN it.
SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE idPatient = 400000123 AND ___;

SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE idPatient = 400000123 AND ___;

EXPLAIN
SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE idPatient = 400000123 AND ___;

-- [5.2b] The same question without the distribution key: Citus cannot know where patient
-- 400000123 lives, so every shard is asked. Run it twice, then EXPLAIN it (Task Count).
SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE ___;

SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE ___;

EXPLAIN
SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score
FROM lab_scale.medicalrecords
WHERE ___;
