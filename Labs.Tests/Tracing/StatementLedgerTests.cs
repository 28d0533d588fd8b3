using System.Diagnostics;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Tracing;

namespace MediAI.Labs.Tests.Tracing;

/// <summary>The door's ledger: which statement a node's work belongs to, and a commit's phases.</summary>
public sealed class StatementLedgerTests
{
    private static readonly DateTime T0 = new(2026, 11, 26, 4, 0, 0, DateTimeKind.Utc);

    private static DateTime At(double ms) => T0.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    private static ActivityContext NewContext() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private static StatementLedger Ledger() => new(new SiteAgentOptions { Name = "paris-ledger-test", City = "Paris" });

    [Fact]
    public void Work_belongs_to_the_statement_whose_time_holds_it_even_when_the_next_one_began_within_the_slack()
    {
        var ledger = Ledger();
        var (first, second) = (NewContext(), NewContext());
        ledger.Open(6351, first, At(0));
        ledger.Close(6351, first, At(15));
        ledger.Open(6351, second, At(15.5));

        Assert.Equal(first, ledger.Find(6351, At(14.9)));
        Assert.Equal(second, ledger.Find(6351, At(16)));
        Assert.Null(ledger.Find(6351, At(-10)));
        Assert.Null(ledger.Find(42, At(1)));
    }

    [Fact]
    public void Gpid_names_the_backend_pid()
    {
        Assert.Equal(6351, StatementLedger.PidOf(10000006351));
        Assert.Equal(6351, StatementLedger.PidOf(30000006351));
    }

    [Fact]
    public void A_commits_steps_share_its_two_phases()
    {
        var agentSource = Spans.Source.Name; // created before the listener asks about it
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == agentSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var ledger = Ledger();
        var commit = NewContext();
        ledger.Open(7001, commit, At(0));

        var prepareTokyo = ledger.Find(7001, At(1), At(2), TwoPhaseStep.Prepare);
        var prepareParis = ledger.Find(7001, At(1.5), At(2.5), TwoPhaseStep.Prepare);
        var decideTokyo = ledger.Find(7001, At(3), At(4), TwoPhaseStep.CommitPrepared);
        var statement = ledger.Find(7001, At(3));

        Assert.NotNull(prepareTokyo);
        Assert.Equal(prepareTokyo, prepareParis);
        Assert.NotEqual(prepareTokyo, decideTokyo);
        Assert.Equal(commit.TraceId, prepareTokyo.Value.TraceId);
        Assert.Equal(commit.TraceId, decideTokyo!.Value.TraceId);
        Assert.Equal(commit, statement);
    }
}
