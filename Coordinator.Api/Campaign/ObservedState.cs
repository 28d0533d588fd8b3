namespace MediAI.Coordinator.Campaign;

/// <summary>A transfer's two legs as the sites hold them after recovery: the debit at its source, the credit at its destination.</summary>
public sealed record AppliedLegs(bool Debit, bool Credit)
{
    public static readonly AppliedLegs None = new(false, false);

    public bool Whole => Debit && Credit;
    public bool Half => Debit != Credit;
}

/// <summary>A transaction still prepared somewhere after recovery (pg_prepared_xacts at a site).</summary>
public sealed record PreparedLeft(string Site, string Gid);

/// <summary>What the cluster holds once the faults are healed and recovery has run: read, not assumed.</summary>
/// <param name="InitialTotal">The money in all campaign accounts before the first transfer.</param>
/// <param name="FinalTotal">The money in all campaign accounts now.</param>
/// <param name="Legs">Each transfer's legs found, by transfer id (missing: neither leg).</param>
public sealed record ObservedState(
    decimal InitialTotal,
    decimal FinalTotal,
    IReadOnlyDictionary<long, AppliedLegs> Legs,
    IReadOnlyList<PreparedLeft> Prepared);
