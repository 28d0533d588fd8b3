using System.Diagnostics;
using System.Threading.Channels;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Emits the drafts of spans whose parent is asked of Paris's agent, off the relay's path, with
/// their real start and end times. Bounded: when the collector or Paris's agent is slow, the
/// oldest drafts go first and the relay never waits.
/// </summary>
public sealed class LateSpans(IClientStatements statements, TraceContextStore store) : BackgroundService
{
    private readonly Channel<SpanDraft> _drafts = Channel.CreateBounded<SpanDraft>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Submit(SpanDraft draft) => _drafts.Writer.TryWrite(draft);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var draft in _drafts.Reader.ReadAllAsync(stoppingToken))
            {
                // One reader, in order: a PREPARE is placed before the COMMIT PREPARED that follows it.
                var current = await statements.FindAsync(draft.ClientPid, draft.Start, draft.End, draft.Step?.Step, stoppingToken);
                var prepared = draft.Step is { Step: not TwoPhaseStep.Prepare } decided ? store.Find(decided.Gid) : null;
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
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Emit(SpanDraft draft, ActivityContext parent, IEnumerable<ActivityLink>? links)
    {
        if (draft.Step is { Step: TwoPhaseStep.Prepare } prepare && parent != default)
        {
            store.Remember(prepare.Gid, parent);
        }

        var span = Spans.Start(draft.Name, ActivityKind.Server, parent, draft.Start, draft.Tags, links);
        if (span is null)
        {
            return;
        }

        span.SetStatus(draft.Status.Code, draft.Status.Description);
        span.SetEndTime(draft.End);
        span.Stop();
    }
}
