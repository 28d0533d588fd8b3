-- Part 5.5 — Rebalancing onto a fifth site: Dakar joins the cluster, Citus moves shards onto it,
-- then Dakar leaves and every country goes back to its own site.
-- Start the lab with its fifth site:  dotnet run --project AppHost -- --Lab:FifthSite=true
-- (Dakar's node and agent start beside the four, outside the cluster.) Load generated data first (5.1).
-- The checker does not run this file: it grades what it left (Dakar gone, every country at home)
-- and your answer [5.5].
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part5/5.5-rebalance.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part5/5.5-rebalance.sql
--   It needs psql (\timing): DBeaver cannot run it.
\timing on

-- [5.5] Where the nodes reach Dakar (no row: the lab was started without --Lab:FifthSite=true).
SELECT * FROM lab_spare_sites;

-- Add Dakar as a worker: it holds nothing yet.
SELECT citus_add_node(___) FROM lab_spare_sites WHERE site = 'Dakar';

-- What the rebalancer plans to move, and where (by disk size, the default strategy).
SELECT table_name, shardid, sourceport, targetport FROM get_rebalance_table_shards_plan();

-- Start it in the background (block_writes: the lab's nodes do not run logical replication),
-- then watch it: run the status query again until its state is "finished".
SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes');
SELECT state, details->'task_state_counts' AS tasks FROM citus_rebalance_status();
SELECT citus_rebalance_wait();
SELECT state, details->'task_state_counts' AS tasks FROM citus_rebalance_status();

-- What Dakar holds now, and whose rows those are: write both in answers.md [5.5].
SELECT s.table_name, s.shardid, pg_size_pretty(s.shard_size) AS size
FROM citus_shards s JOIN lab_spare_sites d ON d.nodename = s.nodename AND d.nodeport = s.nodeport
ORDER BY s.shard_size DESC;
SELECT l.country, l.site AS home, coalesce(h.site, d.site) AS now_at
FROM lab_sites l
JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('patients', l.country)
LEFT JOIN lab_sites h ON h.nodename = p.nodename AND h.nodeport = p.nodeport
LEFT JOIN lab_spare_sites d ON d.nodename = p.nodename AND d.nodeport = p.nodeport;

-- Put everything back: move Dakar's shards off (drain), remove the node, then send each country's
-- shard group (and each siteOrigin's TrainingData shard) home, as data/init-cluster.sql placed them.
SELECT ___(nodename, nodeport, shard_transfer_mode => 'block_writes') FROM lab_spare_sites WHERE site = 'Dakar';
CALL citus_cleanup_orphaned_resources();
SELECT ___(nodename, nodeport) FROM lab_spare_sites WHERE site = 'Dakar';

SELECT citus_move_shard_placement(p.shardid, p.nodename, p.nodeport, l.nodename, l.nodeport, shard_transfer_mode => 'block_writes')
FROM lab_sites l JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('patients', l.country)
WHERE (p.nodename, p.nodeport) <> (l.nodename, l.nodeport);

SELECT citus_move_shard_placement(p.shardid, p.nodename, p.nodeport, l.nodename, l.nodeport, shard_transfer_mode => 'block_writes')
FROM lab_sites l JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('trainingdata', ___)
WHERE (p.nodename, p.nodeport) <> (l.nodename, l.nodeport);

-- Every country at home again (each row: home = now_at).
SELECT l.country, l.site AS home, coalesce(h.site, d.site) AS now_at
FROM lab_sites l
JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('patients', l.country)
LEFT JOIN lab_sites h ON h.nodename = p.nodename AND h.nodeport = p.nodeport
LEFT JOIN lab_spare_sites d ON d.nodename = p.nodename AND d.nodeport = p.nodeport;
