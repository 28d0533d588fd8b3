-- Part 4d — The coordinator crashes between the phases: before its commit record.
-- Before running this file, in the dashboard: agent-tokyo → ⋯ → "Crash coordinator before its commit record"
-- (when Tokyo has prepared, Paris is killed before it hears Tokyo's vote: it has written no commit record).
--
-- Run it in psql (\i exercises/part4/4d-crash-before.sql, or \i /exercises/part4/4d-crash-before.sql in docker exec -it citus_master psql …). COMMIT never answers: the coordinator is
-- gone ("server closed the connection unexpectedly"). Then bring Paris back — container mode:
-- dashboard → agent-paris → ⋯ → "Start node" (or docker start citus_master); local mode: PostgreSQL
-- restarted itself — reconnect (psql: \c), and run 4d-coordinator-crash.sql.

BEGIN;
INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
VALUES (16, 'Japan', NOW()::DATE, 'Crash before commit record', 'Observation', 'DiagNet-3', 0.8800, 'v3.2');
INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
VALUES (16, 'France', NOW(), 'crash-before', 60, 'EUR', 'pending');
COMMIT;   -- no answer: did it commit? Nobody can tell you yet — not even the coordinator, until it looks.
