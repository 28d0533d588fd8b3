-- Part 4e — Committed, but not all at once. Session A: the writer.
-- A night emergency for Yuki Tanaka: her record is Japan's (Tokyo), the bill is France's (Paris),
-- one distributed transaction, as in 4b. Citus commits it at every site — each site when its
-- COMMIT PREPARED arrives. Here Tokyo's arrives 3 s late.
--
-- Before running this file:
--   1. Session B runs 4e-read.sql (a second psql window; it reads every half second).
--   2. In the dashboard: agent-tokyo → ⋯ → Commands → "Hold COMMIT PREPARED 3 s"
--      (the next COMMIT PREPARED that reaches Tokyo waits 3 s at Tokyo's gateway, once).
-- Then, in session A:
--   psql -h localhost -p 5432 -U postgres -d mediAI -f solutions/part4/4e-consultation.sql
-- COMMIT takes about 3 s: the coordinator has decided, Paris has committed, Tokyo waits.
-- Each run adds one more night emergency (Reset lab data starts over). The trace id below ties
-- the transaction's statements at every site to one trace (Traces → search 4e0e…).

BEGIN;
SET LOCAL mediai.traceparent = '00-4e0e4e0e4e0e4e0e4e0e4e0e4e0e4e0e-4e0e4e0e4e0e4e0e-01';
INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
VALUES (16, 'Japan', NOW()::DATE, 'Night emergency', 'Chest pain — ECG normal, kept under observation', 'DiagNet-3', 0.8810, 'v3.2');
INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
VALUES (16, 'France', NOW(), 'night-emergency', 220, 'EUR', 'pending');
COMMIT;

-- Both halves, once COMMIT has answered: as many records at Tokyo as bills at Paris.
SELECT (SELECT count(*) FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Night emergency') AS tokyo_records,
       (SELECT count(*) FROM Transactions WHERE idPatient = 16 AND type = 'night-emergency') AS paris_bills;
