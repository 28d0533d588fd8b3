using System.Text.Json;
using MediAI.Coordinator.Jobs;

namespace MediAI.Coordinator.Campaign;

/// <summary>A campaign's settings, from the request's JSON; each wrong one is named (400).</summary>
/// <param name="Transactions">Transfers to run, 1 to 5,000.</param>
/// <param name="FaultRate">The share of transfers a fault hits, 0 to 1.</param>
/// <param name="Seed">Replays a campaign exactly: the same transfers, faults, sites and moments.</param>
/// <param name="Readers">Sessions reading both legs of every transfer while they run (0: none, as before): their fractured reads are reported apart from the violations.</param>
/// <param name="Faults">The fault kinds to draw from, comma-separated (null: every kind this lab can inject).</param>
/// <param name="ReadStrategy">How the readers read (<see cref="Campaign.ReadStrategy"/>).</param>
public sealed record CampaignParameters(int Transactions, double FaultRate, int Seed, int Readers = 0, string? Faults = null, string ReadStrategy = Campaign.ReadStrategy.Default)
{
    /// <summary>The kinds asked for, or null for all.</summary>
    public IReadOnlyList<string>? FaultKinds => Faults?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public const int MaxTransactions = 5_000;
    public const int MaxReaders = 8;

    public static CampaignParameters? From(JsonElement? json, Dictionary<string, string[]> errors)
    {
        var p = new JobParameters(json, errors, "{\"transactions\": 200, \"faultRate\": 0.5, \"seed\": 42, \"readers\": 2}");
        var transactions = p.WholeNumber("transactions", 200, 1, MaxTransactions, $"must be a whole number from 1 to {MaxTransactions}");
        var faultRate = p.Number("faultRate", 0.5, 0, 1, "must be a number from 0 to 1: the share of transfers a fault hits");
        var seed = p.WholeNumber("seed", Random.Shared.Next(1, int.MaxValue), int.MinValue, int.MaxValue, "must be a whole number (the same seed replays the same campaign)");
        var readers = p.WholeNumber("readers", 0, 0, MaxReaders, $"must be a whole number from 0 to {MaxReaders}: the sessions that read while the transfers run");
        var faults = p.Text("faults", f =>
            f.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } kinds
                ? kinds.FirstOrDefault(k => CampaignFaults.All.All(known => known.Name != k)) is { } unknown
                    ? $"'{unknown}' is no fault kind: give some of {string.Join(", ", CampaignFaults.All.Select(k => k.Name))}, comma-separated"
                    : null
                : "must name at least one fault kind, comma-separated");
        var strategy = p.Text("readStrategy", r => Campaign.ReadStrategy.Find(r) is null
            ? $"must be one of: {string.Join(", ", Campaign.ReadStrategy.All.Select(s => s.Name))}"
            : null) ?? Campaign.ReadStrategy.Default;
        return errors.Count == 0 ? new CampaignParameters(transactions, faultRate, seed, readers, faults, strategy) : null;
    }
}
