namespace MediAI.Lab;

/// <summary>
/// Whether a site's node coordinates the cluster, stores shards for it, or is a spare: started
/// (with --Lab:FifthSite=true) but left out of the cluster until Part 5.5 adds it and rebalances.
/// </summary>
public enum SiteRole { Coordinator, Worker, Spare }

/// <summary>
/// One geographic site of the MediAI cluster. The four sites are data, defined here once for the
/// AppHost (a node and an agent per site), the services and the checker (view names such as
/// TrainingData_Tokyo, Trans_JP_Financial); data/init-cluster.sql is checked against it by a test.
/// </summary>
/// <param name="Name">Resource name in the dashboard, and the psql variable prefix in init-cluster.sql.</param>
/// <param name="City">What students read (accents allowed).</param>
/// <param name="Country">The Patients/MedicalRecords/Transactions tenant stored at this site.</param>
/// <param name="SiteOrigin">The TrainingData tenant stored at this site.</param>
/// <param name="Code">The two-letter code in the exercises' hybrid view names (Trans_FR_Financial).</param>
/// <param name="ContainerName">The handout's container name (docker exec -it citus_master …).</param>
/// <param name="DistanceToParisKm">Great-circle distance, for the WAN latency profile.</param>
public sealed record LabSite(
    string Name,
    string City,
    string Country,
    string SiteOrigin,
    string Code,
    SiteRole Role,
    string ContainerName,
    int DistanceToParisKm)
{
    /// <summary>The site agent's resource name, and its service name: the API reaches it at http://agent-tokyo.</summary>
    public string AgentName => $"agent-{Name}";
}

public static class LabSites
{
    public static readonly IReadOnlyList<LabSite> All =
    [
        new("paris", "Paris", "France", "Paris", "FR", SiteRole.Coordinator, "citus_master", 0),
        new("tunis", "Tunis", "Tunisia", "Tunis", "TN", SiteRole.Worker, "citus_worker1", 1_480),
        new("montreal", "Montréal", "Canada", "Montreal", "CA", SiteRole.Worker, "citus_worker2", 5_520),
        new("tokyo", "Tokyo", "Japan", "Tokyo", "JP", SiteRole.Worker, "citus_worker3", 9_710),
    ];

    /// <summary>
    /// The fifth site (Part 5.5, rebalancing): a worker node and agent like the others, started only
    /// with --Lab:FifthSite=true, and never added to the cluster by the lab: the student adds it,
    /// rebalances onto it and drains it. No generated or seeded row is Senegal's.
    /// </summary>
    public static readonly IReadOnlyList<LabSite> Spare =
    [
        new("dakar", "Dakar", "Senegal", "Dakar", "SN", SiteRole.Spare, "citus_worker4", 4_210),
    ];

    /// <summary>The sites the lab starts: the four, and the spare when asked for.</summary>
    public static IReadOnlyList<LabSite> Running(bool withSpare) => withSpare ? [.. All, .. Spare] : All;

    public static LabSite Coordinator => All.Single(s => s.Role == SiteRole.Coordinator);

    /// <summary>The site of that resource name (paris, tokyo… dakar), or null.</summary>
    public static LabSite? Find(string name) => All.Concat(Spare).FirstOrDefault(s => s.Name == name);

    /// <summary>The database every node holds (the handout's name; Citus does not create it on the workers).</summary>
    public const string Database = "mediAI";
}
