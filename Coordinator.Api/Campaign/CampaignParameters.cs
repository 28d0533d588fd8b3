using System.Text.Json;
using MediAI.Coordinator.Jobs;

namespace MediAI.Coordinator.Campaign;

/// <summary>A campaign's settings, from the request's JSON; each wrong one is named (400).</summary>
/// <param name="Transactions">Transfers to run, 1 to 5,000.</param>
/// <param name="FaultRate">The share of transfers a fault hits, 0 to 1.</param>
/// <param name="Seed">Replays a campaign exactly: the same transfers, faults, sites and moments.</param>
public sealed record CampaignParameters(int Transactions, double FaultRate, int Seed)
{
    public const int MaxTransactions = 5_000;

    public static CampaignParameters? From(JsonElement? json, Dictionary<string, string[]> errors)
    {
        var p = new JobParameters(json, errors, "{\"transactions\": 200, \"faultRate\": 0.5, \"seed\": 42}");
        var transactions = p.WholeNumber("transactions", 200, 1, MaxTransactions, $"must be a whole number from 1 to {MaxTransactions}");
        var faultRate = p.Number("faultRate", 0.5, 0, 1, "must be a number from 0 to 1: the share of transfers a fault hits");
        var seed = p.WholeNumber("seed", Random.Shared.Next(1, int.MaxValue), int.MinValue, int.MaxValue, "must be a whole number (the same seed replays the same campaign)");
        return errors.Count == 0 ? new CampaignParameters(transactions, faultRate, seed) : null;
    }
}
