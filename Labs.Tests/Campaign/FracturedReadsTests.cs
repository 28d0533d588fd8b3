using MediAI.Coordinator.Campaign;

namespace MediAI.Labs.Tests.Campaign;

/// <summary>
/// The readers' checker catches what it exists for: a read that saw one leg of a transfer without
/// the other is a fractured read, named with the transfer, the site seen and the site missing, and
/// tallied under the fault of the transfer in flight; a read that failed is an error, never a
/// fractured read; a clean read is neither.
/// </summary>
public sealed class FracturedReadsTests
{
    private static readonly TransferAttempt[] History =
    [
        new(1, "paris", "tokyo", 10, TransferOutcome.Acknowledged, "none"),
        new(2, "tokyo", "paris", 10, TransferOutcome.Acknowledged, "delay_commit_prepared"),
        new(3, "paris", "tunis", 10, TransferOutcome.Acknowledged, "drop_before_commit_prepared", InDoubtBeforeRecovery: true),
    ];

    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Clean_reads_are_counted_and_none_is_fractured()
    {
        var report = FracturedReads.Tally(2, "read committed", [new(T0, 1, []), new(T0.AddSeconds(1), 2, []), new(T0.AddSeconds(2), 3, [])], History);
        Assert.Equal((3L, 0L, 0L), (report.Reads, report.Fractured, report.Errors));
        Assert.Empty(report.Samples);
        Assert.All(report.ByFaultKind, k => Assert.Equal(0, k.PerThousand));
    }

    [Fact]
    public void A_planted_half_is_a_fractured_read_with_its_sites_and_an_error_is_only_an_error()
    {
        LegsRead[] reads =
        [
            new(T0, 2, []),
            new(T0.AddMilliseconds(100), 2, [(2, DebitSeen: false)]),                       // Paris's credit without Tokyo's debit
            new(T0.AddMilliseconds(200), 3, [(3, DebitSeen: true), (2, DebitSeen: false)]), // two halves in one read: one fractured read
            new(T0.AddMilliseconds(300), 3, [], "connection refused: Tokyo is down"),       // an error, whatever it would have seen
            new(T0.AddMilliseconds(400), 1, [(99, DebitSeen: true)]),                       // no transfer of this campaign: not counted
        ];

        var report = FracturedReads.Tally(2, "read committed", reads, History);

        Assert.Equal((5L, 2L, 1L), (report.Reads, report.Fractured, report.Errors));
        Assert.Equal(
            ["2: seen at paris, missing at tokyo, during delay_commit_prepared",
             "3: seen at paris, missing at tunis, during drop_before_commit_prepared",
             "2: seen at paris, missing at tokyo, during drop_before_commit_prepared"],
            report.Samples.Select(s => $"{s.Transfer}: seen at {s.Seen}, missing at {s.Missing}, during {s.FaultKind}"));

        var byKind = report.ByFaultKind.ToDictionary(k => k.FaultKind);
        Assert.Equal(new ReadTally("delay_commit_prepared", 2, 1, 0), byKind["delay_commit_prepared"]);
        Assert.Equal(500, byKind["delay_commit_prepared"].PerThousand);
        Assert.Equal(new ReadTally("drop_before_commit_prepared", 2, 1, 1), byKind["drop_before_commit_prepared"]);
        Assert.Equal(1000, byKind["drop_before_commit_prepared"].PerThousand); // per read that succeeded
        Assert.Equal(new ReadTally("none", 1, 0, 0), byKind["none"]);
        Assert.Equal("none", report.ByFaultKind[0].FaultKind); // "none" first, as in the invariants' table
    }
}
