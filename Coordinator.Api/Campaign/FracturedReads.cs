namespace MediAI.Coordinator.Campaign;

/// <summary>
/// One reader's look at the transfers, in one statement through the coordinator: the transfers of
/// which it saw exactly one leg (the debit without the credit, or the reverse), or the error it got.
/// </summary>
/// <param name="During">The transfer being run when the read began (its fault kind is the read's).</param>
/// <param name="Halves">Each transfer seen by half: its id, and whether the debit (else the credit) was the leg seen.</param>
public sealed record LegsRead(DateTimeOffset At, long During, IReadOnlyList<(long Transfer, bool DebitSeen)> Halves, string? Error = null);

/// <summary>A read that saw one half of a transfer without the other: which transfer, which site's leg was seen, which was missing, when.</summary>
public sealed record FracturedRead(long Transfer, string Seen, string Missing, DateTimeOffset At, string FaultKind);

/// <summary>One fault kind's reads: how many, how many fractured, how many failed (a site down is an error, never a fractured read).</summary>
public sealed record ReadTally(string FaultKind, long Reads, long Fractured, long Errors)
{
    /// <summary>Fractured reads per 1,000 reads that succeeded.</summary>
    public double PerThousand => Reads - Errors == 0 ? 0 : Math.Round(1000.0 * Fractured / (Reads - Errors), 1);
}

/// <summary>What the readers saw while the transfers ran: a finding about Citus, not an atomicity violation.</summary>
/// <param name="Samples">The first fractured reads, each with its transfer, sites and moment.</param>
/// <param name="Seconds">How long the transfers ran, the readers with them: the throughputs' denominator.</param>
/// <param name="Transfers">Transfers run meanwhile (the writer's side of the cost).</param>
public sealed record ReadersReport(int Readers, string Strategy, long Reads, long Fractured, long Errors, IReadOnlyList<ReadTally> ByFaultKind, IReadOnlyList<FracturedRead> Samples,
    double Seconds = 0, int Transfers = 0)
{
    public const int MaxSamples = 50;

    public static readonly ReadersReport None = new(0, "", 0, 0, 0, [], []);

    /// <summary>Reads that succeeded, per second, all readers together.</summary>
    public double ReadsPerSecond => Seconds == 0 ? 0 : Math.Round((Reads - Errors) / Seconds, 1);

    /// <summary>Transfers per second while the readers read.</summary>
    public double TransfersPerSecond => Seconds == 0 ? 0 : Math.Round(Transfers / Seconds, 2);
}

/// <summary>
/// Tells fractured reads from the readers' looks and the campaign's history (Jepsen's bank test, RAMP's
/// read atomicity): a read is fractured when it saw a transfer by half. Atomicity is checked after
/// recovery (<see cref="InvariantChecker"/>); this is what other sessions saw before it — Citus commits
/// at each site when that site's COMMIT PREPARED arrives, and reads each shard in its own snapshot.
/// </summary>
public static class FracturedReads
{
    public static ReadersReport Tally(int readers, string strategy, IReadOnlyList<LegsRead> reads, IReadOnlyList<TransferAttempt> history, double seconds = 0)
    {
        var byId = history.ToDictionary(t => t.Id);
        string KindOf(long transfer) => byId.TryGetValue(transfer, out var t) ? t.FaultKind : CampaignFaults.None;

        var fractured = reads
            .Where(r => r.Error is null)
            .SelectMany(r => r.Halves.Select(h => (Read: r, Half: h)))
            .Where(x => byId.ContainsKey(x.Half.Transfer))
            .Select(x =>
            {
                var transfer = byId[x.Half.Transfer];
                return new FracturedRead(transfer.Id, x.Half.DebitSeen ? transfer.FromSite : transfer.ToSite, x.Half.DebitSeen ? transfer.ToSite : transfer.FromSite, x.Read.At, KindOf(x.Read.During));
            })
            .ToList();
        var fracturedReads = new HashSet<LegsRead>(reads.Where(r => r.Error is null && r.Halves.Any(h => byId.ContainsKey(h.Transfer))), ReferenceEqualityComparer.Instance);
        var byKind = reads
            .GroupBy(r => KindOf(r.During))
            .OrderBy(g => g.Key == CampaignFaults.None ? "" : g.Key, StringComparer.Ordinal)
            .Select(g => new ReadTally(g.Key, g.Count(), g.Count(fracturedReads.Contains), g.Count(r => r.Error is not null)))
            .ToList();
        return new ReadersReport(readers, strategy, reads.Count, fracturedReads.Count, reads.Count(r => r.Error is not null), byKind, [.. fractured.Take(ReadersReport.MaxSamples)],
            Math.Round(seconds, 1), history.Count);
    }
}
