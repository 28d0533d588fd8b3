-- Part 1.4 — Citus: horizontal fragmentation done for you. Inspect the shards.
-- The lab already registered the nodes and distributed the tables (data/init-cluster.sql);
-- the handout's citus_add_node / create_distributed_table calls are in part1-fragmentation.md,
-- with what they answer on a cluster that is already formed.
-- Run:  psql -h localhost -p 5432 -U postgres -d mediAI -f solutions/part1/1.4-citus-shards.sql

-- Which nodes form the cluster, and which site each one is (the lab keeps the map in lab_sites).
SELECT n.nodeid, n.nodename, n.nodeport, n.isactive, l.site
FROM pg_dist_node n LEFT JOIN lab_sites l USING (nodename, nodeport)
ORDER BY n.nodeid;

-- The handout's inspection query: every shard and the node that stores it.
SELECT s.logicalrelid, s.shardid, p.nodename, p.nodeport
FROM pg_dist_shard s JOIN pg_dist_shard_placement p ON s.shardid = p.shardid
ORDER BY s.logicalrelid, s.shardid;

-- [1.4a] How many shards does each table have? One row per table: the table, its number of shards.
SELECT logicalrelid, COUNT(*) AS shards
FROM pg_dist_shard
GROUP BY logicalrelid
ORDER BY logicalrelid;

-- [1.4b] Which node stores the TrainingData rows from Tokyo? Your query must return that node
-- (its site from lab_sites, or its nodename and nodeport). Hint: get_shard_id_for_distribution_column.
SELECT l.site, p.nodename, p.nodeport, p.shardid
FROM pg_dist_shard_placement p
JOIN lab_sites l USING (nodename, nodeport)
WHERE p.shardid = get_shard_id_for_distribution_column('TrainingData', 'Tokyo');
