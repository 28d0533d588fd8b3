-- Part 4c — A site fails between the two phases.
-- Before running this file, in the dashboard: agent-tokyo → ⋯ → "Drop link after PREPARE".
-- Tokyo will prepare (vote yes), then its link drops before COMMIT PREPARED reaches it.
--
-- The fault fires once: Tokyo's link drops right after its PREPARE, later links work again. So the
-- whole file can run in one go (\i exercises/part4/4c-site-failure.sql, or \i /exercises/part4/4c-site-failure.sql in docker exec -it citus_master psql …); pasting it step by step
-- lets you look around in between. Each run adds one more follow-up (Reset lab data starts over).

-- [4c]
-- 1. A follow-up consultation: a record for Japan (Tokyo) and a bill in France (Paris).
BEGIN;
SET LOCAL mediai.traceparent = '00-4c0c4c0c4c0c4c0c4c0c4c0c4c0c4c0c-4c0c4c0c4c0c4c0c-01';
INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
VALUES (16, 'Japan', NOW()::DATE, 'Emergency follow-up', 'Recovering — flight home cleared', 'DiagNet-3', 0.9120, 'v3.2');
INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
VALUES (16, 'France', NOW(), 'follow-up', 80, 'EUR', 'pending');
COMMIT;   -- read the WARNING: what did the coordinator decide, and what does Tokyo not know yet?

-- 2. The transaction waits in doubt at Tokyo: prepared, neither committed nor rolled back.
--    Ask every node what it has prepared (the coordinator asks them for you):
SELECT nodeid, success, result FROM run_command_on_all_nodes($$SELECT string_agg(gid, ', ') FROM pg_prepared_xacts$$);
--    The coordinator kept its decision (commit) in its commit log: one row per site it prepared,
--    for each distributed transaction of this session not yet recovered
--    (gid citus_<coordinator group>_<your session's pid>_<transaction>_<connection>):
SELECT groupid, gid FROM pg_dist_transaction WHERE gid LIKE format('citus\_%%\_%s\_%%', pg_backend_pid());
--    What do readers see now? The bill is committed at Paris; the record is only prepared at Tokyo.
SELECT 'MedicalRecords' AS tbl, country, examType AS what FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Emergency follow-up'
UNION ALL
SELECT 'Transactions', country, type FROM Transactions WHERE idPatient = 16 AND type = 'follow-up';

-- 3. Heal Tokyo (dashboard → agent-tokyo → ⋯ → "Heal all": removes any fault left). Then let Citus finish the job:
--    it compares its commit log with what each node has prepared and commits Tokyo's part.
SELECT ___();

-- 4. Verify: both rows are there, and nothing is left prepared anywhere.
SELECT 'MedicalRecords' AS tbl, country, examType AS what FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Emergency follow-up'
UNION ALL
SELECT 'Transactions', country, type FROM Transactions WHERE idPatient = 16 AND type = 'follow-up';
SELECT nodeid, success, result FROM run_command_on_all_nodes($$SELECT count(*) FROM pg_prepared_xacts$$);
