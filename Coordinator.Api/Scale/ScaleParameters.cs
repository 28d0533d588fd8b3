using System.Text.Json;

namespace MediAI.Coordinator.Scale;

/// <summary>A generation's settings, from the request's JSON; each wrong one is named (400).</summary>
/// <param name="Patients">Patients to generate, 1 to 5,000,000 (their records, training rows and transactions follow the seed's proportions).</param>
/// <param name="Seed">The same seed gives the same rows.</param>
/// <param name="Skewed">Countries deliberately uneven (France holds most), to show skew.</param>
public sealed record ScaleParameters(int Patients, int Seed, bool Skewed)
{
    public const int MaxPatients = 5_000_000;

    public static ScaleParameters? From(JsonElement? json, Dictionary<string, string[]> errors)
    {
        var patients = 1_000_000;
        var seed = 1;
        var skewed = false;
        if (json is { ValueKind: JsonValueKind.Object } p)
        {
            if (p.TryGetProperty("patients", out var n) && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out patients) && patients is >= 1 and <= MaxPatients))
            {
                errors["patients"] = [$"must be a whole number from 1 to {MaxPatients:N0}"];
            }

            if (p.TryGetProperty("seed", out var s) && !(s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out seed)))
            {
                errors["seed"] = ["must be a whole number (the same seed gives the same rows)"];
            }

            if (p.TryGetProperty("skewed", out var k) && k.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors["skewed"] = ["must be true or false"];
            }
            else if (k.ValueKind == JsonValueKind.True)
            {
                skewed = true;
            }
        }
        else if (json is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            errors["body"] = ["must be a JSON object: {\"patients\": 1000000, \"seed\": 1, \"skewed\": false}"];
        }

        return errors.Count == 0 ? new ScaleParameters(patients, seed, skewed) : null;
    }
}
