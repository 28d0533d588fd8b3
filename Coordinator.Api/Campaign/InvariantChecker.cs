namespace MediAI.Coordinator.Campaign;

/// <summary>One fault kind's row of a campaign's report.</summary>
public sealed record FaultKindTally(
    string FaultKind,
    int Attempted,
    int Acknowledged,
    int Aborted,
    int Indeterminate,
    int IndeterminateApplied,
    int InDoubtBeforeRecovery,
    int Violations);

/// <summary>What the checker found: every violation, and the table per fault kind.</summary>
public sealed record InvariantReport(IReadOnlyList<Violation> Violations, IReadOnlyList<FaultKindTally> ByFaultKind)
{
    public bool Holds => Violations.Count == 0;
}

/// <summary>
/// Checks a campaign's history against what the cluster holds after recovery, Jepsen-style: the
/// history is what clients were told, the state is what was read back; an invariant holds only if
/// every transfer's outcome agrees with its legs. An indeterminate COMMIT is checked both ways:
/// whole or absent are both right, half is not.
/// </summary>
public static class InvariantChecker
{
    public static InvariantReport Check(IReadOnlyList<TransferAttempt> history, ObservedState state)
    {
        var violations = new List<Violation>();
        foreach (var transfer in history)
        {
            var legs = state.Legs.GetValueOrDefault(transfer.Id, AppliedLegs.None);
            var what = $"transfer {transfer.Id} ({transfer.Amount} from {transfer.FromSite} to {transfer.ToSite}, fault {transfer.FaultKind}, {transfer.Outcome})";
            if (legs.Half)
            {
                violations.Add(new Violation(ViolationKind.HalfApplied,
                    $"{what}: only its {(legs.Debit ? $"debit at {transfer.FromSite}" : $"credit at {transfer.ToSite}")} is there",
                    transfer.Id, transfer.FaultKind));
            }
            else if (transfer.Outcome == TransferOutcome.Acknowledged && !legs.Whole)
            {
                violations.Add(new Violation(ViolationKind.AcknowledgedLost, $"{what}: acknowledged, and neither leg is there", transfer.Id, transfer.FaultKind));
            }
            else if (transfer.Outcome == TransferOutcome.Aborted && legs.Whole)
            {
                violations.Add(new Violation(ViolationKind.AbortedButApplied, $"{what}: reported failed, and both legs are there", transfer.Id, transfer.FaultKind));
            }
        }

        if (state.FinalTotal != state.InitialTotal)
        {
            violations.Add(new Violation(ViolationKind.MoneyNotConserved,
                $"the accounts hold {state.FinalTotal}, not the {state.InitialTotal} they started with ({state.FinalTotal - state.InitialTotal:+0.##;-0.##})"));
        }

        violations.AddRange(state.Prepared.Select(p =>
            new Violation(ViolationKind.PreparedLeftBehind, $"{p.Gid} is still prepared at {p.Site} after recovery")));

        var byKind = history
            .GroupBy(t => t.FaultKind)
            .OrderBy(g => g.Key == CampaignFaults.None ? "" : g.Key, StringComparer.Ordinal)
            .Select(g => new FaultKindTally(
                g.Key,
                g.Count(),
                g.Count(t => t.Outcome == TransferOutcome.Acknowledged),
                g.Count(t => t.Outcome == TransferOutcome.Aborted),
                g.Count(t => t.Outcome == TransferOutcome.Indeterminate),
                g.Count(t => t.Outcome == TransferOutcome.Indeterminate && state.Legs.GetValueOrDefault(t.Id, AppliedLegs.None).Whole),
                g.Count(t => t.InDoubtBeforeRecovery),
                violations.Count(v => v.FaultKind == g.Key)))
            .ToList();
        return new InvariantReport(violations, byKind);
    }
}
