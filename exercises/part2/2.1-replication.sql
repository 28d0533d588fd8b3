-- Part 2.1 — Replication: a copy of Patients whose every shard lives on 2 nodes.
-- The replication factor is read when a table's shards are created: it must be set BEFORE
-- create_distributed_table (setting it afterwards, as the handout does, changes nothing).
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part2/2.1-replication.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part2/2.1-replication.sql
-- (Running it again starts over: the first statement drops the copy.)

DROP TABLE IF EXISTS PatientsReplicated;

-- [2.1] Create the replicated copy.
SET citus.shard_replication_factor = ___;
SHOW citus.shard_replication_factor;
SET citus.shard_count = 4;                 -- 4 shards keep the placement list short
CREATE TABLE PatientsReplicated (LIKE Patients INCLUDING ALL);
SELECT create_distributed_table('patientsreplicated', ___, colocate_with => 'none');
INSERT INTO PatientsReplicated SELECT * FROM Patients;
RESET citus.shard_count;

-- [2.1b] All placements of PatientsReplicated's shards: shardid, nodename, nodeport, shardstate.
-- (pg_dist_shard_placement lists every table's placements: keep only this table's shards.)
SELECT shardid, nodename, nodeport, shardstate
FROM pg_dist_shard_placement
WHERE ___
ORDER BY shardid, nodeport;
