using System.Text.RegularExpressions;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// The handout's own commands, typed with psql in the handout's order on the lab's cluster: what
/// works as written, and what real Citus answers where the handout is wrong (solutions/ explains each).
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed partial class HandoutCommandsTests(CitusCluster cluster)
{
    private const string CoLocatedJoin = """
        SELECT p.name, p.age, p.city, p.country, mr.date, mr.examType, mr.result, mr.aiModelUsed, mr.aiScore
        FROM Patients p JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
        WHERE p.name = 'Mohamed Benali'
        """;

    private int Port => cluster.Coordinator.Port;

    [Fact]
    public async Task Setup_steps_1_to_4_and_the_france_query_work_as_written()
    {
        Installations.RequireCitus();
        var nodesBefore = await NodesAsync();
        try
        {
            foreach (var script in new[] { "schema-mediAI.sql", "init-cluster.sql", "seed-mediAI.sql" })
            {
                var run = await Psql.RunAsync(Port, await File.ReadAllTextAsync(Path.Combine(Installations.DataDir, script)), database: "mediAI");
                Assert.True(run.ExitCode == 0, $"{script}: {run.Error}");
            }

            // Run by hand without the lab's variables, init-cluster.sql keeps the nodes where they are.
            Assert.Equal(nodesBefore, await NodesAsync());

            var counts = await Psql.CommandAsync(Port, "SELECT 'Patients' AS t, COUNT(*) FROM Patients UNION ALL SELECT 'MedicalRecords', COUNT(*) FROM MedicalRecords UNION ALL SELECT 'TrainingData', COUNT(*) FROM TrainingData UNION ALL SELECT 'Transactions', COUNT(*) FROM Transactions;", "mediAI");
            foreach (var expected in new[] { "Patients       |    20", "MedicalRecords |    14", "TrainingData   |    13", "Transactions   |    18" })
            {
                Assert.Contains(expected, counts.Output);
            }

            var france = await Psql.CommandAsync(Port, "SELECT name, country, siteOrigin FROM Patients WHERE country = 'France' LIMIT 5;", "mediAI");
            Assert.Equal(5, Regex.Count(france.Output, @"\| France  \| Paris"));
            Assert.Contains("(5 rows)", france.Output);
        }
        finally
        {
            await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Part_1_registration_and_distribution_answer_already_done_and_the_inspection_shows_12_shards_per_table()
    {
        Installations.RequireCitus();
        var add = await Psql.CommandAsync(Port, "SELECT citus_add_node('citus_worker1', 5432);", "mediAI");
        Assert.Contains("could not translate host name \"citus_worker1\"", add.Error); // the handout's docker network name

        var nodes = await Psql.CommandAsync(Port, "SELECT nodeid, nodename, nodeport, isactive FROM pg_dist_node ORDER BY nodeid;", "mediAI");
        Assert.Contains("(4 rows)", nodes.Output);
        Assert.Equal(4, Regex.Count(nodes.Output, @"\| t\s*$", RegexOptions.Multiline));

        var distribute = await Psql.CommandAsync(Port, "SELECT create_distributed_table('Patients', 'country');", "mediAI");
        Assert.Contains("ERROR:  table \"patients\" is already distributed", distribute.Error);
        var siteOrigin = await Psql.RunAsync(Port, """
            BEGIN;
            CREATE TABLE trainingdata_handout (LIKE TrainingData);
            SELECT create_distributed_table('TrainingData_handout', 'siteOrigin');
            ROLLBACK;
            """, stopOnError: false, database: "mediAI");
        Assert.Contains("ERROR:  column \"siteOrigin\" of relation \"trainingdata_handout\" does not exist", siteOrigin.Error);

        var shards = await Psql.CommandAsync(Port, "SELECT s.logicalrelid, s.shardid, p.nodename FROM pg_dist_shard s JOIN pg_dist_shard_placement p ON s.shardid = p.shardid ORDER BY s.logicalrelid, s.shardid;", "mediAI");
        foreach (var table in new[] { "patients", "medicalrecords", "trainingdata", "transactions" })
        {
            Assert.Equal(12, Regex.Count(shards.Output, $@"^ {table}\s+\|", RegexOptions.Multiline));
        }
    }

    [Fact]
    public async Task Part_2_setting_the_replication_factor_after_distribution_changes_no_placement()
    {
        Installations.RequireCitus();
        var run = await Psql.RunAsync(Port, """
            SET citus.shard_replication_factor = 2;
            SHOW citus.shard_replication_factor;
            SELECT count(*) AS placements, count(DISTINCT shardid) AS shards, min(shardstate), max(shardstate)
            FROM pg_dist_shard_placement
            WHERE shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid IN ('patients'::regclass, 'medicalrecords'::regclass, 'trainingdata'::regclass, 'transactions'::regclass));
            """, database: "mediAI");
        Assert.Contains(" 2\n(1 row)", run.Output);
        Assert.Contains("         48 |     48 |   1 |   1", run.Output); // one placement per shard, all active
    }

    [Fact]
    public async Task Part_3_the_colocated_join_runs_on_every_site_unless_filtered_on_the_distribution_key()
    {
        Installations.RequireCitus();
        var rows = await Psql.CommandAsync(Port, CoLocatedJoin + " ORDER BY mr.date DESC;", "mediAI");
        Assert.Contains("(2 rows)", rows.Output);
        Assert.Equal(2, Regex.Count(rows.Output, "Mohamed Benali .* NephroAI-1"));

        // The handout says "Citus routes this to a single worker": filtered on a name, it cannot.
        var plan = await Psql.CommandAsync(Port, "EXPLAIN (VERBOSE) " + CoLocatedJoin + " ORDER BY mr.date DESC;", "mediAI");
        Assert.Contains("Task Count: 12", plan.Output);
        Assert.DoesNotContain("MapMergeJob", plan.Output); // co-located: each task joins on its own node

        var routed = await Psql.CommandAsync(Port, "EXPLAIN (VERBOSE) " + CoLocatedJoin + " AND p.country = 'Tunisia' ORDER BY mr.date DESC;", "mediAI");
        Assert.Contains("Task Count: 1\n", routed.Output);
        Assert.Contains($"port={cluster.Agent("tunis").Gateway.Port} dbname=mediAI", routed.Output);
    }

    [Fact]
    public async Task Part_4_prepare_transaction_on_distributed_tables_is_refused_and_nothing_is_written()
    {
        Installations.RequireCitus();
        var run = await Psql.RunAsync(Port, """
            BEGIN;
            INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion) VALUES (16, 'Japan', NOW()::DATE, 'Emergency consultation', 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2');
            INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status) VALUES (16, 'Japan', NOW(), 'consultation', 15000, 'JPY', 'pending');
            PREPARE TRANSACTION 'mediAI_emergency_yuki_001';
            SELECT gid, prepared, owner, database FROM pg_prepared_xacts;
            COMMIT PREPARED 'mediAI_emergency_yuki_001';
            SELECT count(*) AS records FROM MedicalRecords;
            """, stopOnError: false, database: "mediAI");
        Assert.Contains("ERROR:  cannot use 2PC in transactions involving multiple servers", run.Error);
        Assert.Contains("ERROR:  prepared transaction with identifier \"mediAI_emergency_yuki_001\" does not exist", run.Error);
        Assert.Contains("(0 rows)", run.Output);
        Assert.Contains("      14\n", run.Output);
    }

    private async Task<string> NodesAsync() =>
        string.Join(";", (await cluster.Coordinator.QueryAsync("mediAI", "SELECT nodeid, nodename, nodeport FROM pg_dist_node ORDER BY nodeid")).Select(r => string.Join(",", r)));
}
