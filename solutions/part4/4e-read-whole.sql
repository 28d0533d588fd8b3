-- Part 4e — Session B again: a read that never sees half a commit.
-- Citus gives each shard's part of a read its own snapshot, taken when that site runs it: a read
-- can see Paris's half committed and Tokyo's not yet (4e-read.sql). The lab measured what helps
-- (docs/reference.md, "The fault campaign": which reads avoid them): REPEATABLE READ does not, for one statement;
-- a reading transaction that first locks both tables in a mode that conflicts with the writers'
-- ROW EXCLUSIVE does. Citus keeps the writer's locks until every COMMIT PREPARED is answered, so the
-- lock waits for the whole commit, and the read after it sees both halves or neither.
--
-- Run it as 4e-read.sql (Ctrl+C to stop it), with the fault armed
-- again and session A's file run again. \; keeps the four statements in one request for \watch.

-- [4e]
BEGIN \;
LOCK TABLE MedicalRecords, Transactions IN SHARE MODE \;
SELECT clock_timestamp()::time(1) AS at,
       (SELECT count(*) FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Night emergency') AS tokyo_record,
       (SELECT count(*) FROM Transactions WHERE idPatient = 16 AND type = 'night-emergency') AS paris_bill \;
COMMIT
\watch 0.5
