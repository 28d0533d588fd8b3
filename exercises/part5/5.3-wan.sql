-- Part 5.3 — The same queries with the WAN profile on: each site's links delayed by its distance
-- to Paris (Tunis 1,480 km, Montréal 5,520 km, Tokyo 9,710 km).
-- First turn the WAN on: in the dashboard, "WAN latency on" on every agent (agent-paris,
-- agent-tunis, agent-montreal, agent-tokyo), or start the lab with --Lab:Wan=true. Turn it off
-- afterwards ("WAN latency off"). The checker does not run this file: it reads your timings in answers.md [5.3].
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part5/5.3-wan.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part5/5.3-wan.sql
--   It needs psql (\timing): DBeaver cannot run it.
\timing on

-- [5.3] Each query twice (the second time the connection to each site is already open):
-- a router query at Tunis, the same at Tokyo, the multi-shard query, then 5.1's two joins.
SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 200000123 AND country = 'Tunisia';
SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 200000123 AND country = 'Tunisia';

SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 400000123 AND country = 'Japan';
SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 400000123 AND country = 'Japan';

SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 400000123;
SELECT count(*) AS records FROM lab_scale.medicalrecords WHERE idPatient = 400000123;

SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
GROUP BY p.country;

SET citus.enable_repartition_joins = on;
SELECT p.country, count(*) AS records
FROM lab_scale.patients p
JOIN lab_scale.medicalrecords mr ON p.idPatient = mr.idPatient
GROUP BY p.country;
