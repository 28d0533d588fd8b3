using System.Diagnostics;
using System.Threading.Channels;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Emits the drafts of spans whose parent is asked of Paris's agent, off the relay's path, with
/// their real start and end times. Bounded: when the collector or Paris's agent is slow, the
/// oldest drafts go first and the relay never waits. A span that cannot be placed never stops the
/// loop: a background service that throws stops the agent, and with it every link of its site.
/// </summary>
public sealed partial class LateSpans(IClientStatements statements, TraceContextStore store, ILogger<LateSpans> logger) : BackgroundService
{
    private static readonly TimeSpan WarningEvery = TimeSpan.FromSeconds(10);
    private DateTime _lastWarning = DateTime.MinValue;

    private readonly Channel<(SpanDraft Draft, bool Claim)> _drafts = Channel.CreateBounded<(SpanDraft, bool)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>The span ended: place it and emit it.</summary>
    public void Submit(SpanDraft draft) => _drafts.Writer.TryWrite((draft, false));

    /// <summary>
    /// The span began: tell Paris now, while the client's statement still runs, so a root for a
    /// client past the door is made from its statement (pg_stat_activity), not after psql -c left.
    /// </summary>
    public void Claim(SpanDraft draft) => _drafts.Writer.TryWrite((draft, true));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (draft, claim) in _drafts.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await PlaceAsync(draft, claim, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Unplaced, the span stands alone rather than being lost; the agent relays on.
                    if (!claim)
                    {
                        Emit(draft, default, null);
                    }

                    if (DateTime.UtcNow - _lastWarning > WarningEvery)
                    {
                        _lastWarning = DateTime.UtcNow;
                        LogUnplaced(logger, draft.Name, e.GetType().Name, e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PlaceAsync(SpanDraft draft, bool claim, CancellationToken stoppingToken)
    {
        if (claim)
        {
            await statements.FindAsync(draft.Work with { End = draft.Start }, stoppingToken);
            return;
        }

        // One reader, in order: a PREPARE is placed before the COMMIT PREPARED that follows it.
        if (draft.Step is { Step: not TwoPhaseStep.Prepare } own && draft.Work.Transaction is not null && store.FindSent(own.Gid) is { } sent)
        {
            Emit(draft, sent, null); // the backend that prepared decides, in the trace its client sent
            return;
        }

        var placement = await statements.FindAsync(draft.Work, stoppingToken);
        var prepared = draft.Step is { Step: not TwoPhaseStep.Prepare } decided ? store.Find(decided.Gid) : null;
        if (placement.Untraced && prepared is null)
        {
            return; // the lab's own plumbing or Citus's background: out of the students' traces
        }

        var current = placement.Parent;
        if (current is { } here && prepared is { } there && here.TraceId != there.TraceId)
        {
            // A decision taken later (recovery) sits in the trace that took it, linked to the one that prepared.
            Emit(draft, here, [new ActivityLink(there)]);
        }
        else
        {
            Emit(draft, current ?? prepared ?? default, null);
        }
    }

    private void Emit(SpanDraft draft, ActivityContext parent, IEnumerable<ActivityLink>? links)
    {
        if (draft.Step is { Step: TwoPhaseStep.Prepare } prepare && parent != default)
        {
            store.Remember(prepare.Gid, parent);
        }

        // A read's links to the transactions it could not see here: their PREPAREs were placed before it.
        links = draft.PendingPrepared.Count == 0 ? links : [.. links ?? [], .. store.LinksTo(draft.PendingPrepared)];
        var span = Spans.Start(draft.Name, ActivityKind.Server, parent, draft.Start, draft.Tags, links);
        if (span is null)
        {
            return;
        }

        if (draft.Step is { Step: TwoPhaseStep.Prepare } placed)
        {
            store.RememberPrepareSpan(placed.Gid, span.Context);
        }

        span.SetStatus(draft.Status.Code, draft.Status.Description);
        span.SetEndTime(draft.End);
        span.Stop();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A span ({Span}) could not be placed in its trace ({Error}: {Reason}); it stands alone. The agent relays on.")]
    private static partial void LogUnplaced(ILogger logger, string span, string error, string reason);
}
