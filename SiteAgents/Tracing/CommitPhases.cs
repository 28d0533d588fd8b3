using System.Diagnostics;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// "two-phase commit" with "phase 1: PREPARE" and "phase 2: COMMIT PREPARED" (or ROLLBACK
/// PREPARED) under one statement; each phase spans the steps placed in it.
/// </summary>
public sealed class CommitPhases
{
    private readonly Activity? _commit;
    private Activity? _prepare;
    private Activity? _decide;
    private readonly SiteAgentOptions _site;
    private readonly Lock _gate = new();
    private bool _finished;

    public CommitPhases(SiteAgentOptions site, ActivityContext statement)
    {
        _site = site;
        _commit = Tag(Spans.Start("two-phase commit", ActivityKind.Internal, statement), "commit");
    }

    public ActivityContext? Place(string step, DateTime start, DateTime end)
    {
        lock (_gate)
        {
            Activity? phase;
            if (step == TwoPhaseStep.Prepare)
            {
                _prepare ??= Tag(Spans.Start("phase 1: PREPARE (each site votes)", ActivityKind.Internal, _commit?.Context ?? default), "1");
                phase = _prepare;
            }
            else
            {
                _decide ??= Tag(Spans.Start($"phase 2: {step} (the decision at each site)", ActivityKind.Internal, _commit?.Context ?? default), "2");
                phase = _decide;
            }

            Widen(phase, start, end);
            Widen(_commit, start, end);
            return phase?.Context;
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            foreach (var span in new[] { _prepare, _decide, _commit })
            {
                span?.Stop();
            }
        }
    }

    private Activity? Tag(Activity? span, string phase)
    {
        span?.SetTag("mediai.site", _site.Name);
        span?.SetTag("mediai.city", _site.City);
        span?.SetTag("mediai.2pc.phase", phase);
        if (span is not null)
        {
            span.SetStartTime(DateTime.SpecifyKind(DateTime.MaxValue.AddDays(-1), DateTimeKind.Utc)); // set by the first step placed
        }

        return span;
    }

    /// <summary>A phase runs from its first step's start to its last step's end.</summary>
    public static void Widen(Activity? span, DateTime start, DateTime end)
    {
        if (span is null)
        {
            return;
        }

        if (start < span.StartTimeUtc)
        {
            var oldEnd = span.Duration > TimeSpan.Zero ? span.StartTimeUtc + span.Duration : end;
            span.SetStartTime(start);
            span.SetEndTime(oldEnd > end ? oldEnd : end);
        }
        else if (end > span.StartTimeUtc + span.Duration)
        {
            span.SetEndTime(end);
        }
    }
}
