using System.Text.Json;
using MediAI.Coordinator.Jobs;

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
        var p = new JobParameters(json, errors, "{\"patients\": 1000000, \"seed\": 1, \"skewed\": false}");
        var patients = p.WholeNumber("patients", 1_000_000, 1, MaxPatients, $"must be a whole number from 1 to {MaxPatients:N0}");
        var seed = p.WholeNumber("seed", 1, int.MinValue, int.MaxValue, "must be a whole number (the same seed gives the same rows)");
        var skewed = p.Boolean("skewed", false, "must be true or false");
        return errors.Count == 0 ? new ScaleParameters(patients, seed, skewed) : null;
    }
}
