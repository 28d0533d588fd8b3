namespace MediAI.Coordinator.Core.Grading;

/// <summary>Part 2: a table distributed after setting the replication factor, and its placements.</summary>
public static class ReplicationGrades
{
    public const string Table = "patientsreplicated";

    public static async Task<Verdict> ReplicatedTable(GradeContext c)
    {
        if (!await c.ExistsAsync(Table))
        {
            return Verdict.Fail($"PatientsReplicated does not exist: create it in {c.SqlFile}");
        }

        if (!await c.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::regclass)", Table))
        {
            return Verdict.Fail("PatientsReplicated is not distributed: call create_distributed_table on it");
        }

        var problems = new List<string>();
        var single = await c.ScalarAsync<long>("""
            SELECT count(*) FROM pg_dist_shard s
            WHERE s.logicalrelid = $1::regclass
              AND (SELECT count(DISTINCT p.groupid) FROM pg_dist_placement p WHERE p.shardid = s.shardid) < 2
            """, Table);
        if (single > 0)
        {
            problems.Add($"{single} shard(s) of PatientsReplicated have a single placement: SET citus.shard_replication_factor = 2 must come BEFORE create_distributed_table (it is read when the shards are created)");
        }

        var (copied, patients) = (await c.ScalarAsync<long>("SELECT count(*) FROM patientsreplicated"), await c.ScalarAsync<long>("SELECT count(*) FROM patients"));
        if (copied != patients)
        {
            problems.Add($"PatientsReplicated has {copied} rows, Patients {patients}: copy the patients into it (INSERT INTO … SELECT * FROM Patients)");
        }

        return Verdict.From(problems, "every shard has two placements, on two different nodes");
    }

    public static Task<Verdict> Placements(GradeContext c) => QueryGrades.SameRowsAs(c, """
        SELECT shardid, nodename, nodeport, shardstate FROM pg_dist_shard_placement
        WHERE shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'patientsreplicated'::regclass)
        """);
}
