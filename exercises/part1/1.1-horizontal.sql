-- Part 1.1 — Horizontal fragmentation of TrainingData by siteOrigin.
-- Fill every ___ , then run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part1/1.1-horizontal.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part1/1.1-horizontal.sql
-- Keep the -- [1.1] marker: the checker finds your answer under it.

DROP VIEW IF EXISTS TrainingData_Paris, TrainingData_Tunis, TrainingData_Montreal, TrainingData_Tokyo;

-- [1.1] One view per site. Together they must be complete, disjoint and reconstructible.

-- Fragment Paris
CREATE OR REPLACE VIEW TrainingData_Paris AS
    SELECT * FROM TrainingData WHERE siteOrigin = ___;

-- Fragment Tunis
CREATE OR REPLACE VIEW TrainingData_Tunis AS
    SELECT * FROM TrainingData WHERE ___ = 'Tunis';

-- Fragments Montreal and Tokyo (siteOrigin is written Montreal, without the accent)
___

-- Check reconstructibility yourself: the UNION ALL of the four views has as many rows as the table.
SELECT (SELECT COUNT(*) FROM TrainingData) AS table_rows,
       (SELECT COUNT(*) FROM (SELECT * FROM TrainingData_Paris UNION ALL SELECT * FROM TrainingData_Tunis
                              UNION ALL SELECT * FROM TrainingData_Montreal UNION ALL SELECT * FROM TrainingData_Tokyo) u) AS union_rows;
