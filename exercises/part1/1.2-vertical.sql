-- Part 1.2 — Vertical fragmentation of MedicalRecords.
-- Doctors read the clinical columns; the AI team reads the model's columns. Each fragment keeps
-- the key idRecord so that a JOIN can rebuild the table.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part1/1.2-vertical.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part1/1.2-vertical.sql

-- Dropped first, so that a rerun may change their columns.
DROP VIEW IF EXISTS MedicalRecords_Clinical, MedicalRecords_AI;

-- [1.2] The two vertical fragments.

-- Clinical fragment: idRecord, idPatient, country, date, examType, result
CREATE OR REPLACE VIEW MedicalRecords_Clinical AS
    SELECT idRecord, ___ FROM MedicalRecords;

-- AI fragment: idRecord, aiModelUsed, aiScore, aiVersion
CREATE OR REPLACE VIEW MedicalRecords_AI AS
    ___;

-- [1.2b] Reconstruction: JOIN the two fragments on idRecord so that the result has exactly
-- MedicalRecords' columns (idRecord, idPatient, country, date, examType, result, aiModelUsed,
-- aiScore, aiVersion) and exactly its rows.
SELECT ___
FROM MedicalRecords_Clinical c
JOIN MedicalRecords_AI a ON ___ = ___
ORDER BY c.idRecord;
