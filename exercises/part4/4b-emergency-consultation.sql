-- Part 4b — The emergency consultation as ONE distributed transaction.
-- Yuki Tanaka (Japan) is treated in Paris: her medical record is Japan's (stored at Tokyo) and
-- the consultation is billed in France (stored at Paris). Both or neither.
--
-- With Citus you do not write PREPARE TRANSACTION yourself (Citus refuses it: "cannot use 2PC in
-- transactions involving multiple servers"): you write COMMIT, and Citus runs the two phases,
-- sending PREPARE TRANSACTION and COMMIT PREPARED to each site under gids of its own (citus_…).
-- The site agents see them: the dashboard's trace shows which site prepared what.
--
-- The trace id below ties the statements of every site to one trace in the dashboard
-- (Traces → search 4b0b…). Use a fresh one each run if you like: 00-<32 hex>-<16 hex>-01.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part4/4b-emergency-consultation.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part4/4b-emergency-consultation.sql
-- Each run adds one more consultation (Reset lab data starts over).

-- [4b]
BEGIN;
SET LOCAL mediai.traceparent = '00-4b0b4b0b4b0b4b0b4b0b4b0b4b0b4b0b-4b0b4b0b4b0b4b0b-01';
INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
VALUES (16, ___, NOW()::DATE, 'Emergency consultation', 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2');
INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
VALUES (16, ___, NOW(), 'consultation', 150, 'EUR', 'pending');
-- Phase 1 and phase 2 at both sites happen inside this one statement:
___;

-- Both rows, and where they are stored.
SELECT 'MedicalRecords' AS tbl, country, examType AS what FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Emergency consultation'
UNION ALL
SELECT 'Transactions', country, type FROM Transactions WHERE idPatient = 16 AND type = 'consultation' AND country = 'France';
