namespace MediAI.Coordinator.Checker;

/// <summary>A MediAI site as the exercises name it: TrainingData_Tokyo, Trans_JP_Financial.</summary>
public sealed record MediAISite(string Site, string Country, string Code);

public static class MediAISites
{
    /// <summary>The four sites, in the handout's order. siteOrigin values equal the site names.</summary>
    public static readonly IReadOnlyList<MediAISite> All =
    [
        new("Paris", "France", "FR"),
        new("Tunis", "Tunisia", "TN"),
        new("Montreal", "Canada", "CA"),
        new("Tokyo", "Japan", "JP"),
    ];
}
