-- Part 4a — The PostgreSQL primitive of two-phase commit, at one node.
-- PREPARE TRANSACTION ends phase 1: the transaction's work is saved to disk and survives a crash,
-- but nobody sees it until phase 2 decides: COMMIT PREPARED or ROLLBACK PREPARED.
--
-- ConsultationLog is a LOCAL table on the coordinator (Paris), not distributed: Citus refuses a
-- user's PREPARE TRANSACTION in any transaction that touched a distributed table (see 4b).
--
-- Run it in psql:  mediAI=# \i exercises/part4/4a-prepare-transaction.sql, or \i /exercises/part4/4a-prepare-transaction.sql in docker exec -it citus_master psql …
-- It needs psql (\gexec): DBeaver cannot run it. (Or paste it statement by statement to watch each step.) Running it again starts over: a
-- transaction an earlier run left prepared is rolled back, the table is recreated. The checker
-- looks at what it left.

-- A prepared transaction holds its locks until phase 2: finish any an earlier run left.
SELECT format('ROLLBACK PREPARED %L', gid) FROM pg_prepared_xacts WHERE gid IN ('yuki_admission', 'yuki_duplicate') \gexec
DROP TABLE IF EXISTS ConsultationLog;
CREATE TABLE ConsultationLog (
    id       serial PRIMARY KEY,
    patient  text NOT NULL,
    note     text NOT NULL,
    loggedAt timestamptz NOT NULL DEFAULT now()
);

-- [4a]
-- Phase 1: Yuki Tanaka's admission, prepared under the gid 'yuki_admission'.
BEGIN;
INSERT INTO ConsultationLog (patient, note) VALUES ('Yuki Tanaka', 'admitted to Paris emergency');
PREPARE TRANSACTION ___;

-- The prepared transaction waits, outside any session. What does gid contain?
SELECT gid, prepared, owner, database FROM pg_prepared_xacts;
-- Not visible yet: the row is not committed.
SELECT * FROM ConsultationLog;

-- Phase 2a: every participant voted yes → commit it.
___ 'yuki_admission';

-- A second admission, a mistake this time: prepare it as 'yuki_duplicate', then roll it back.
BEGIN;
INSERT INTO ConsultationLog (patient, note) VALUES ('Yuki Tanaka', 'duplicate admission');
PREPARE TRANSACTION 'yuki_duplicate';
-- Phase 2b: a participant voted no → roll it back.
___ 'yuki_duplicate';

-- One row: the admission. Nothing left waiting in pg_prepared_xacts.
SELECT patient, note FROM ConsultationLog;
SELECT gid FROM pg_prepared_xacts;
