-- =============================================================================
-- MediAI — schema (plain PostgreSQL 15 DDL)
--
--   psql -v ON_ERROR_STOP=1 -d mediAI -f schema-mediAI.sql
--
-- Run this on the coordinator BEFORE init-cluster.sql. It contains no Citus
-- calls: registering the workers and distributing the tables is done in
-- init-cluster.sql. It is safe to run again (CREATE TABLE IF NOT EXISTS).
--
-- Sites and countries:  Paris    <-> France
--                       Tunis    <-> Tunisia
--                       Montreal <-> Canada     (siteOrigin is ASCII, no accent)
--                       Tokyo    <-> Japan
--
-- Identifiers are written unquoted in camelCase, as in the handout. PostgreSQL
-- folds unquoted identifiers to lower case, so the real names are
-- patients, medicalrecords, siteorigin, aimodelused, ... Queries written
-- unquoted (SELECT siteOrigin FROM TrainingData) work, but anything that takes
-- a name as a STRING does not fold it:
--     SELECT create_distributed_table('TrainingData', 'siteOrigin');  -- ERROR
--     SELECT create_distributed_table('TrainingData', 'siteorigin');  -- OK
-- (the table name is a regclass and is folded; the column name is not.)
--
-- Why composite primary keys: Citus can only enforce a PRIMARY KEY / UNIQUE
-- constraint on a distributed table if it includes the distribution column
-- (country, or siteOrigin for TrainingData), because each shard checks
-- uniqueness only for its own rows.
--
-- Why no FOREIGN KEYs: between two distributed tables Citus accepts a foreign
-- key only if both are co-located and the key includes the distribution
-- column; otherwise create_distributed_table fails, and the order in which
-- the tables are distributed matters. To keep the lab about fragmentation and
-- not about constraint errors, referential integrity (a record's or a
-- transaction's patient exists in the same country) is kept by the seed data.
-- =============================================================================

-- Patients — distributed by country (horizontal fragmentation, one country per site).
CREATE TABLE IF NOT EXISTS Patients (
    idPatient   INTEGER      NOT NULL,
    name        TEXT         NOT NULL,
    age         INTEGER      NOT NULL CHECK (age BETWEEN 0 AND 130),
    city        TEXT         NOT NULL,
    country     TEXT         NOT NULL
                CHECK (country IN ('France', 'Tunisia', 'Canada', 'Japan')),
    siteOrigin  TEXT         NOT NULL
                CHECK (siteOrigin IN ('Paris', 'Tunis', 'Montreal', 'Tokyo')),
    -- a patient's home site is the site of his country
    CONSTRAINT patients_country_site_check CHECK (
           (country = 'France'  AND siteOrigin = 'Paris')
        OR (country = 'Tunisia' AND siteOrigin = 'Tunis')
        OR (country = 'Canada'  AND siteOrigin = 'Montreal')
        OR (country = 'Japan'   AND siteOrigin = 'Tokyo')),
    PRIMARY KEY (idPatient, country)
);

-- MedicalRecords — distributed by country, co-located with Patients so that
-- JOIN ... ON p.idPatient = mr.idPatient AND p.country = mr.country runs on
-- one worker. idRecord is generated (the handout inserts without it).
CREATE TABLE IF NOT EXISTS MedicalRecords (
    idRecord     BIGSERIAL     NOT NULL,
    idPatient    INTEGER       NOT NULL,
    country      TEXT          NOT NULL
                 CHECK (country IN ('France', 'Tunisia', 'Canada', 'Japan')),
    date         DATE          NOT NULL,
    examType     TEXT          NOT NULL,
    result       TEXT,
    aiModelUsed  TEXT,
    aiScore      NUMERIC(5,4)  CHECK (aiScore BETWEEN 0 AND 1),
    aiVersion    TEXT,
    PRIMARY KEY (idRecord, country)
);

-- TrainingData — anonymised examples used to train the AI models (no patient
-- id, no name). Distributed by siteOrigin: each site keeps the data it
-- collected. Not co-located with the country tables.
CREATE TABLE IF NOT EXISTS TrainingData (
    idData       BIGSERIAL  NOT NULL,
    siteOrigin   TEXT       NOT NULL
                 CHECK (siteOrigin IN ('Paris', 'Tunis', 'Montreal', 'Tokyo')),
    examType     TEXT       NOT NULL,
    features     TEXT       NOT NULL,   -- anonymised measurements, key=value;...
    label        TEXT       NOT NULL,   -- ground truth confirmed by a physician
    aiModelUsed  TEXT       NOT NULL,   -- model this example trains
    collectedOn  DATE       NOT NULL,
    PRIMARY KEY (idData, siteOrigin)
);

-- Transactions — billing, distributed by country (hybrid fragmentation in
-- Part 1: by country, then financial vs management columns).
CREATE TABLE IF NOT EXISTS Transactions (
    idTrans    BIGSERIAL      NOT NULL,
    idPatient  INTEGER        NOT NULL,
    country    TEXT           NOT NULL
               CHECK (country IN ('France', 'Tunisia', 'Canada', 'Japan')),
    date       TIMESTAMP      NOT NULL,
    type       TEXT           NOT NULL,   -- consultation, exam, hospitalisation, pharmacy
    amount     NUMERIC(12,2)  NOT NULL CHECK (amount >= 0),
    currency   CHAR(3)        NOT NULL,   -- EUR, TND, CAD, JPY
    status     TEXT           NOT NULL
               CHECK (status IN ('pending', 'paid', 'cancelled', 'refunded')),
    PRIMARY KEY (idTrans, country)
);
