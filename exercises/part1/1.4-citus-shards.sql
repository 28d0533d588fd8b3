-- Part 1.4 — Citus: horizontal fragmentation done for you. Inspect the shards.
-- The lab already registered the nodes and distributed the tables (data/init-cluster.sql);
-- the handout's citus_add_node / create_distributed_table calls are in part1-fragmentation.md,
-- with what they answer on a cluster that is already formed.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part1/1.4-citus-shards.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part1/1.4-citus-shards.sql

-- Which nodes form the cluster, and which site each one is (the lab keeps the map in lab_sites).
SELECT n.nodeid, n.nodename, n.nodeport, n.isactive, l.site
FROM pg_dist_node n LEFT JOIN lab_sites l USING (nodename, nodeport)
ORDER BY n.nodeid;

-- The handout's inspection query: every shard and the node that stores it.
SELECT s.logicalrelid, s.shardid, p.nodename, p.nodeport
FROM pg_dist_shard s JOIN pg_dist_shard_placement p ON s.shardid = p.shardid
ORDER BY s.logicalrelid, s.shardid;

-- [1.4a] How many shards does each table have? One row per table: the table, its number of shards.
___;

-- [1.4b] Which node stores the TrainingData rows from Tokyo? Your query must return that node
-- (its site from lab_sites, or its nodename and nodeport). Hint: get_shard_id_for_distribution_column.
___;
