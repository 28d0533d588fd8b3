-- Part 4e — Session B: a reader, through the coordinator, every half second.
-- One statement reads both halves of the night emergencies: the records at Tokyo and the bills at
-- Paris. Open a second psql window and start it BEFORE session A runs 4e-consultation.sql:
--   docker exec -it citus_master psql -U postgres -d mediAI     then   \i /exercises/part4/4e-read.sql
--   (or psql -h localhost -p 5432 -U postgres -d mediAI           then   \i exercises/part4/4e-read.sql)
-- \watch repeats the statement until you press Ctrl+C. Watch tokyo_record and paris_bill while
-- session A's COMMIT waits: copy the lines where they differ (answers.md [4e]).
-- Each line is one statement, so one trace in the dashboard (Traces: "SELECT clock_timestamp…").

SELECT clock_timestamp()::time(1) AS at,
       (SELECT count(*) FROM MedicalRecords WHERE idPatient = 16 AND examType = 'Night emergency') AS tokyo_record,
       (SELECT count(*) FROM Transactions WHERE idPatient = 16 AND type = 'night-emergency') AS paris_bill
\watch 0.5
