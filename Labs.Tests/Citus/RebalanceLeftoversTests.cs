using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Part 5.5 done out of order: Dakar removed before Citus's deferred cleanup dropped the old copy of
/// a shard moved off it. Citus then refuses every later move of that shard; "Reset lab data" clears
/// what it left (the cleanup records of a node that is gone, Dakar's database) and moves work again.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class RebalanceLeftoversTests(CitusCluster cluster)
{
    private const string Dakar = "(SELECT nodename FROM lab_spare_sites), (SELECT nodeport FROM lab_spare_sites)";
    private const string Shard = "get_shard_id_for_distribution_column('patients', 'Canada')";
    private const string Montreal = "(SELECT nodename FROM lab_sites WHERE site = 'Montreal'), (SELECT nodeport FROM lab_sites WHERE site = 'Montreal')";

    [Fact]
    public async Task A_node_removed_before_cleanup_blocks_later_moves_until_a_reset()
    {
        Installations.RequireCitus();
        var port = cluster.Coordinator.Port;
        try
        {
            // Canada's shard group to Dakar and back, then Dakar removed without CALL citus_cleanup_orphaned_resources().
            await MustRunAsync($"""
                SELECT citus_add_node({Dakar});
                SELECT citus_move_shard_placement({Shard}, {Montreal}, {Dakar}, shard_transfer_mode => 'block_writes');
                SELECT citus_move_shard_placement({Shard}, {Dakar}, {Montreal}, shard_transfer_mode => 'block_writes');
                SELECT citus_remove_node({Dakar});
                SELECT citus_add_node({Dakar});
                """);
            var blocked = await Psql.RunAsync(port, $"SELECT citus_move_shard_placement({Shard}, {Montreal}, {Dakar}, shard_transfer_mode => 'block_writes');", stopOnError: false, database: "mediAI");
            Assert.Contains("could not be cleaned up", blocked.Error);

            // Out of the cluster again, then the reset: the same move now works, and comes back.
            await MustRunAsync($"SELECT citus_remove_node({Dakar});");
            await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
            await MustRunAsync($"""
                SELECT citus_add_node({Dakar});
                SELECT citus_move_shard_placement({Shard}, {Montreal}, {Dakar}, shard_transfer_mode => 'block_writes');
                SELECT citus_move_shard_placement({Shard}, {Dakar}, {Montreal}, shard_transfer_mode => 'block_writes');
                CALL citus_cleanup_orphaned_resources();
                SELECT citus_remove_node({Dakar});
                """);
            Assert.Equal(20L, (await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT count(*) FROM patients"))[0][0]);
        }
        finally
        {
            await Psql.RunAsync(port, $"""
                SELECT citus_move_shard_placement({Shard}, {Dakar}, {Montreal}, shard_transfer_mode => 'block_writes')
                  WHERE EXISTS (SELECT 1 FROM pg_dist_shard_placement WHERE shardid = {Shard} AND nodeport = (SELECT nodeport FROM lab_spare_sites));
                CALL citus_cleanup_orphaned_resources();
                SELECT citus_remove_node({Dakar}) WHERE EXISTS (SELECT 1 FROM pg_dist_node WHERE nodeport = (SELECT nodeport FROM lab_spare_sites));
                """, stopOnError: false, database: "mediAI");
            await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
        }
    }

    private async Task MustRunAsync(string sql)
    {
        var run = await Psql.RunAsync(cluster.Coordinator.Port, sql, database: "mediAI");
        Assert.True(run.ExitCode == 0, run.Error);
    }
}
