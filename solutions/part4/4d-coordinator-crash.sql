-- Part 4d — After the coordinator crashed between the phases (run after 4d-crash-before.sql, and
-- again after 4d-crash-after.sql, each time once Paris is back and you have reconnected).
-- The lab keeps Citus's automatic recovery off (citus.recover_2pc_interval = -1): nothing is
-- resolved until you ask. On a production cluster the coordinator's maintenance daemon would run
-- the same recovery within a minute of its restart.

-- [4d]
-- 1. What waits prepared, at each node? (Tokyo's part, and Paris's own, since Paris holds the bill.)
SELECT nodeid, success, result FROM run_command_on_all_nodes($$SELECT string_agg(gid, ', ') FROM pg_prepared_xacts$$);

-- 2. Did the coordinator decide before it died? Its decision is a row in its commit log, written
--    in its own local transaction just before phase 2. Look for those gids:
SELECT groupid, gid FROM pg_dist_transaction;

-- 3. Let Citus finish the job: prepared parts WITH a commit record are committed, those WITHOUT
--    one are rolled back. How many did it resolve?
SELECT recover_prepared_transactions();

-- 4. Verify: nothing is left prepared anywhere, and each consultation is whole or absent.
SELECT nodeid, success, result FROM run_command_on_all_nodes($$SELECT count(*) FROM pg_prepared_xacts$$);
SELECT 'MedicalRecords' AS tbl, country, examType AS what FROM MedicalRecords WHERE idPatient = 16 AND examType LIKE 'Crash %'
UNION ALL
SELECT 'Transactions', country, type FROM Transactions WHERE idPatient = 16 AND type LIKE 'crash-%';
