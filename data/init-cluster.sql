-- MediAI — form the Citus cluster, distribute the tables, and place each country at its site.
--
-- Run on the coordinator (Paris), after schema-mediAI.sql and before seed-mediAI.sql:
--   docker exec -it citus_master psql -U postgres -d mediAI -f /data/init-cluster.sql
-- The lab's bootstrap runs this same file. Every statement is idempotent: a second run changes nothing.
--
-- Node addresses are psql variables; the lab sets them to its own addresses, e.g.
--   psql -v tunis_host=127.0.0.1 -v tunis_port=5434 …
-- Without them, a cluster that is already formed keeps the addresses it has (lab_sites below), so
-- running this file by hand, as the handout does, changes nothing; a new cluster gets the
-- handout's container names (citus_master, citus_worker1..3, port 5432).
\if :{?paris_host} \else \set paris_host '' \endif
\if :{?paris_port} \else \set paris_port 0 \endif
\if :{?tunis_host} \else \set tunis_host '' \endif
\if :{?tunis_port} \else \set tunis_port 0 \endif
\if :{?montreal_host} \else \set montreal_host '' \endif
\if :{?montreal_port} \else \set montreal_port 0 \endif
\if :{?tokyo_host} \else \set tokyo_host '' \endif
\if :{?tokyo_port} \else \set tokyo_port 0 \endif
\set ON_ERROR_STOP on

-- lab_sites keeps the map of sites in the database, for students: SELECT * FROM lab_sites;
CREATE TABLE IF NOT EXISTS lab_sites (
    site       text PRIMARY KEY,
    country    text NOT NULL UNIQUE,
    siteorigin text NOT NULL UNIQUE,
    nodename   text NOT NULL,
    nodeport   integer NOT NULL
);

-- The four sites: which country (Patients, MedicalRecords, Transactions) and which siteOrigin
-- (TrainingData) each one stores, and the node that serves it: the address given, else the one
-- it has, else the handout's.
CREATE TEMP TABLE wanted_sites AS
SELECT v.site, v.country, v.siteorigin,
       coalesce(nullif(v.host, ''), s.nodename, v.container) AS nodename,
       coalesce(nullif(v.port, 0), s.nodeport, 5432) AS nodeport
  FROM (VALUES ('Paris',    'France',  'Paris',    :'paris_host',    :paris_port,    'citus_master'),
               ('Tunis',    'Tunisia', 'Tunis',    :'tunis_host',    :tunis_port,    'citus_worker1'),
               ('Montreal', 'Canada',  'Montreal', :'montreal_host', :montreal_port, 'citus_worker2'),
               ('Tokyo',    'Japan',   'Tokyo',    :'tokyo_host',    :tokyo_port,    'citus_worker3'))
       AS v(site, country, siteorigin, host, port, container)
  LEFT JOIN lab_sites s USING (site);

\echo 'Nodes: following any node whose address changed since the last run'
SELECT format('SELECT citus_update_node(%s, %L, %s)', n.nodeid, w.nodename, w.nodeport)
  FROM lab_sites s
  JOIN wanted_sites w USING (site)
  JOIN pg_dist_node n ON n.nodename = s.nodename AND n.nodeport = s.nodeport
 WHERE (s.nodename, s.nodeport) IS DISTINCT FROM (w.nodename, w.nodeport) \gexec

INSERT INTO lab_sites SELECT * FROM wanted_sites
    ON CONFLICT (site) DO UPDATE SET nodename = excluded.nodename, nodeport = excluded.nodeport;

\echo 'Nodes: the coordinator''s own address first (else Citus records it as localhost), then the workers'
SELECT citus_set_coordinator_host(nodename, nodeport)
  FROM wanted_sites
 WHERE site = 'Paris' AND NOT EXISTS (SELECT 1 FROM pg_dist_node WHERE groupid = 0);

-- Paris is the coordinator and a site too: it stores France's shards.
SELECT citus_set_node_property(nodename, nodeport, 'shouldhaveshards', true)
  FROM wanted_sites
 WHERE site = 'Paris' AND NOT (SELECT shouldhaveshards FROM pg_dist_node WHERE groupid = 0);

SELECT format('SELECT citus_add_node(%L, %s)', w.nodename, w.nodeport)
  FROM wanted_sites w
 WHERE w.site <> 'Paris'
   AND NOT EXISTS (SELECT 1 FROM pg_dist_node n WHERE n.nodename = w.nodename AND n.nodeport = w.nodeport) \gexec

\echo 'Tables: distributing (country tables co-located; TrainingData by siteorigin in its own group)'
-- 4 hash shards keep the shard map readable; isolating the tenants below adds one shard per country.
SET citus.shard_count = 4;
SELECT format('SELECT create_distributed_table(%L, %L, colocate_with => %L)', t.name, t.column_name, t.colocate_with)
  FROM (VALUES ('patients',       'country',    'default'),
               ('medicalrecords', 'country',    'patients'),
               ('transactions',   'country',    'patients'),
               -- 'siteOrigin' would fail: unquoted identifiers fold to lower case.
               ('trainingdata',   'siteorigin', 'none')) AS t(name, column_name, colocate_with)
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = t.name::regclass) \gexec
RESET citus.shard_count;

\echo 'Placement: one shard per country and per siteOrigin (hash alone puts France and Japan together)'
-- One statement per tenant: Citus refuses to isolate after other changes in the same transaction.
-- The leading comment names each step (the lab's bootstrap shows it as its progress).
SELECT format('/* own shard for %s */ SELECT isolate_tenant_to_new_shard(%L, %L::text, cascade_option => %L, shard_transfer_mode => %L)',
              t.label, t.name, t.tenant, t.cascade, 'block_writes')
  FROM (SELECT 'patients' AS name, country AS tenant, 'CASCADE' AS cascade, country AS label FROM wanted_sites
        UNION ALL
        SELECT 'trainingdata', siteorigin, '', siteorigin || ' training' FROM wanted_sites) AS t
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_shard s
                    WHERE s.shardid = get_shard_id_for_distribution_column(t.name, t.tenant)
                      AND s.shardminvalue = s.shardmaxvalue) \gexec

\echo 'Placement: moving each tenant''s shard to its site (co-located shards move with it)'
SELECT format('/* placing %s at %s */ SELECT citus_move_shard_placement(%s, %L, %s, %L, %s, shard_transfer_mode => %L)',
              t.label, t.site, p.shardid, p.nodename, p.nodeport, t.nodename, t.nodeport, 'block_writes')
  FROM (SELECT 'patients' AS name, country AS tenant, site, nodename, nodeport, country AS label FROM wanted_sites
        UNION ALL
        SELECT 'trainingdata', siteorigin, site, nodename, nodeport, siteorigin || ' training' FROM wanted_sites) AS t
  JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column(t.name, t.tenant)
 WHERE (p.nodename, p.nodeport) <> (t.nodename, t.nodeport) \gexec

DROP TABLE wanted_sites;
\echo 'Cluster ready: SELECT * FROM lab_sites; and pg_dist_shard / pg_dist_shard_placement show where each country lives.'
