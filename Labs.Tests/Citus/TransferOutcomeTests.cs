using MediAI.Coordinator.Campaign;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: what a client is told decides a transfer's outcome — and an error counts as a
/// rollback only when the server that sent it is still there to stand by it.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class TransferOutcomeTests(CitusCluster cluster)
{
    private static readonly LabSite Paris = LabSites.All.Single(s => s.Country == "France");
    private static readonly LabSite Tokyo = LabSites.All.Single(s => s.Country == "Japan");

    [Theory]
    [InlineData("crash_node", "prepare", TransferOutcome.Aborted)]           // Tokyo dies before it prepares: the coordinator, alive, rolls back
    [InlineData("crash_coordinator", "commit_prepared", TransferOutcome.Indeterminate)] // the coordinator dies having decided: no answer to trust
    public async Task A_commit_error_is_an_abort_only_if_the_coordinator_lives_on(string type, string at, TransferOutcome expected)
    {
        Installations.RequireCitus();
        await using (var coordinator = await cluster.Coordinator.OpenAsync(LabSites.Database))
        {
            await CampaignStore.CreateAsync(coordinator, CancellationToken.None);
        }

        var tokyo = cluster.Agent("tokyo");
        await tokyo.AddFaultAsync(new { name = "outcome", type, attributes = new { at } });
        try
        {
            var (outcome, _) = await Transfer.RunAsync(cluster.Coordinator.ConnectionString(LabSites.Database), 1, Paris, 1, Tokyo, 1, 10, journal: false, CancellationToken.None);
            Assert.Equal(expected, outcome);
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            foreach (var agent in cluster.Agents)
            {
                await agent.Http.PostAsync("/node/start", null);
            }

            NpgsqlConnection.ClearAllPools();
            await using var coordinator = await cluster.Coordinator.OpenAsync(LabSites.Database);
            await using var clean = new NpgsqlCommand($"SELECT recover_prepared_transactions(); {CampaignStore.DropSql}", coordinator);
            await clean.ExecuteNonQueryAsync();
        }
    }
}
