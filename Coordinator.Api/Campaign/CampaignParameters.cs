using System.Text.Json;

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
        var transactions = 200;
        var faultRate = 0.5;
        var seed = Random.Shared.Next(1, int.MaxValue);
        if (json is { ValueKind: JsonValueKind.Object } p)
        {
            if (p.TryGetProperty("transactions", out var t) && !(t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out transactions) && transactions is >= 1 and <= MaxTransactions))
            {
                errors["transactions"] = [$"must be a whole number from 1 to {MaxTransactions}"];
            }

            if (p.TryGetProperty("faultRate", out var f) && !(f.ValueKind == JsonValueKind.Number && f.TryGetDouble(out faultRate) && faultRate is >= 0 and <= 1))
            {
                errors["faultRate"] = ["must be a number from 0 to 1: the share of transfers a fault hits"];
            }

            if (p.TryGetProperty("seed", out var s) && !(s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out seed)))
            {
                errors["seed"] = ["must be a whole number (the same seed replays the same campaign)"];
            }
        }
        else if (json is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            errors["body"] = ["must be a JSON object: {\"transactions\": 200, \"faultRate\": 0.5, \"seed\": 42}"];
        }

        return errors.Count == 0 ? new CampaignParameters(transactions, faultRate, seed) : null;
    }
}
