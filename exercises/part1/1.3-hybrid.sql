-- Part 1.3 — Hybrid fragmentation of Transactions: horizontally by country, then vertically
-- into financial and management columns. 4 countries × 2 = 8 views.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part1/1.3-hybrid.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part1/1.3-hybrid.sql

-- Dropped first, so that a rerun may change their columns.
DROP VIEW IF EXISTS Trans_FR_Financial, Trans_FR_Management, Trans_TN_Financial, Trans_TN_Management,
                    Trans_CA_Financial, Trans_CA_Management, Trans_JP_Financial, Trans_JP_Management;

-- [1.3] The 8 views. France is given; write Tunisia (TN), Canada (CA) and Japan (JP) the same way.

-- France Financial
CREATE OR REPLACE VIEW Trans_FR_Financial AS
    SELECT idTrans, idPatient, date, amount, currency FROM Transactions WHERE country = 'France';

-- France Management
CREATE OR REPLACE VIEW Trans_FR_Management AS
    SELECT idTrans, idPatient, type, status FROM Transactions WHERE country = 'France';

-- Tunisia, Canada, Japan (6 more views: Trans_TN_Financial, Trans_TN_Management, …)
___

-- [1.3b] Reconstruction JOIN for France: rebuild France's transactions with the columns
-- idTrans, idPatient, date, amount, currency, type, status.
SELECT ___
FROM Trans_FR_Financial fin
JOIN Trans_FR_Management mgt ON ___ = ___
ORDER BY fin.idTrans;
