-- Part 3.3 — A join on a column that is NOT the distribution key.
-- MedicalRecords is distributed by country, TrainingData by siteOrigin: joining them on
-- aiModelUsed matches rows that live on different nodes. Citus refuses by default
-- ("the query contains a join that requires repartitioning"); allowed, it reshuffles both
-- tables by the join column between the workers (a repartition join). Be patient: on a laptop it
-- takes about 20 s — hundreds of node-to-node transfers, each on a new connection.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part3/3.3-repartition-join.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part3/3.3-repartition-join.sql

-- First without repartitioning: Citus refuses. Read its error and its HINT.
SELECT mr.idRecord, mr.aiModelUsed, COUNT(td.idData) AS training_examples
FROM MedicalRecords mr JOIN TrainingData td ON td.aiModelUsed = mr.aiModelUsed
GROUP BY mr.idRecord, mr.aiModelUsed;

-- [3.3] For each medical record: idRecord, aiModelUsed, and how many training examples its model
-- has (training_examples). Allow the repartition first, then write the query; then EXPLAIN it.
SET citus.enable_repartition_joins = ___;

SELECT mr.idRecord, mr.aiModelUsed, COUNT(td.idData) AS training_examples
FROM MedicalRecords mr
JOIN TrainingData td ON ___
GROUP BY mr.idRecord, mr.aiModelUsed
ORDER BY mr.idRecord;

EXPLAIN
SELECT mr.idRecord, mr.aiModelUsed, COUNT(td.idData) AS training_examples
FROM MedicalRecords mr
JOIN TrainingData td ON ___
GROUP BY mr.idRecord, mr.aiModelUsed
ORDER BY mr.idRecord;
