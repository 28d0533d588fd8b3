using MediAI.Coordinator.Campaign;

namespace MediAI.Labs.Tests.Campaign;

/// <summary>
/// The invariant checker catches what it exists for: each violation planted in an otherwise clean
/// history is reported, with the transfer and the fault that hit it; a clean history has none.
/// </summary>
public sealed class InvariantCheckerTests
{
    // Six transfers of 10 between Paris and Tokyo, all whole; 1,000 in the accounts before and after.
    private static readonly TransferAttempt[] Clean =
    [
        new(1, "paris", "tokyo", 10, TransferOutcome.Acknowledged, "none"),
        new(2, "tokyo", "paris", 10, TransferOutcome.Acknowledged, "latency"),
        new(3, "paris", "tokyo", 10, TransferOutcome.Aborted, "fail_prepare"),
        new(4, "tokyo", "paris", 10, TransferOutcome.Indeterminate, "drop_after_prepare", InDoubtBeforeRecovery: true),
        new(5, "paris", "tokyo", 10, TransferOutcome.Indeterminate, "reset_peer"),
        new(6, "tokyo", "paris", 10, TransferOutcome.Acknowledged, "drop_after_prepare", InDoubtBeforeRecovery: true),
    ];

    private static Dictionary<long, AppliedLegs> CleanLegs() => new()
    {
        [1] = new(true, true),
        [2] = new(true, true),
        [4] = new(true, true), // indeterminate, committed by recovery: right
        [6] = new(true, true),
        // 3 aborted and 5 indeterminate-not-applied: neither leg, also right.
    };

    private static ObservedState State(Dictionary<long, AppliedLegs> legs, decimal final = 1_000, params PreparedLeft[] prepared) =>
        new(1_000, final, legs, prepared);

    [Fact]
    public void A_clean_history_holds_and_is_tallied_per_fault_kind()
    {
        var report = InvariantChecker.Check(Clean, State(CleanLegs()));
        Assert.True(report.Holds, string.Join("; ", report.Violations));

        var drop = report.ByFaultKind.Single(k => k.FaultKind == "drop_after_prepare");
        Assert.Equal(new FaultKindTally("drop_after_prepare", 2, 1, 0, 1, 1, 2, 0), drop);
        Assert.Equal("none", report.ByFaultKind[0].FaultKind);
        Assert.Equal(6, report.ByFaultKind.Sum(k => k.Attempted));
    }

    [Fact]
    public void A_half_applied_transfer_is_reported_with_the_leg_that_is_there()
    {
        var legs = CleanLegs();
        legs[5] = new(Debit: true, Credit: false);
        var violation = Assert.Single(InvariantChecker.Check(Clean, State(legs)).Violations);
        Assert.Equal(ViolationKind.HalfApplied, violation.Kind);
        Assert.Equal(5, violation.TransferId);
        Assert.Equal("reset_peer", violation.FaultKind);
        Assert.Contains("only its debit at paris is there", violation.Detail);
    }

    [Fact]
    public void An_acknowledged_commit_that_is_missing_is_reported()
    {
        var legs = CleanLegs();
        legs.Remove(6);
        var report = InvariantChecker.Check(Clean, State(legs));
        var violation = Assert.Single(report.Violations);
        Assert.Equal(ViolationKind.AcknowledgedLost, violation.Kind);
        Assert.Equal(6, violation.TransferId);
        Assert.Equal(1, report.ByFaultKind.Single(k => k.FaultKind == "drop_after_prepare").Violations);
    }

    [Fact]
    public void A_prepared_transaction_left_behind_is_reported_with_its_site_and_gid()
    {
        var violation = Assert.Single(InvariantChecker.Check(Clean, State(CleanLegs(), 1_000, new PreparedLeft("tokyo", "citus_0_4242_17_3"))).Violations);
        Assert.Equal(ViolationKind.PreparedLeftBehind, violation.Kind);
        Assert.Equal("citus_0_4242_17_3 is still prepared at tokyo after recovery", violation.Detail);
    }

    [Fact]
    public void Money_not_conserved_and_an_abort_that_happened_anyway_are_reported()
    {
        var legs = CleanLegs();
        legs[3] = new(true, true);
        var report = InvariantChecker.Check(Clean, State(legs, final: 990));
        Assert.Equal([ViolationKind.AbortedButApplied, ViolationKind.MoneyNotConserved], report.Violations.Select(v => v.Kind));
        Assert.Contains("hold 990, not the 1000 they started with (-10)", report.Violations[1].Detail);
    }
}
