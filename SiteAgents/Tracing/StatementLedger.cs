using System.Collections.Concurrent;
using System.Diagnostics;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The students' door's record of what each client is running, by the client's backend pid
/// (BackendKeyData): the span every node's part of that statement joins. Citus tells each node
/// whose statement it runs: its connections carry <c>application_name = 'citus_internal
/// gpid=N'</c>, N = node id × 10^10 + that backend pid. A commit's 2PC steps are placed under a
/// "two-phase commit" span with its two phases, made here when the first step asks. Bounded: a
/// few recent statements per backend, a thousand backends. A backend's entries outlive its
/// client: the nodes' spans are matched after the fact (psql -c exits before they are), and a
/// reused pid starts later entries.
/// </summary>
public sealed class StatementLedger(SiteAgentOptions site)
{
    private const int PerBackend = 32;
    private const int MaxBackends = 1024;

    /// <summary>Clocks of one machine, read by different processes: a little slack either side.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(2);

    /// <summary>How long a commit's phases stay open for late steps after the statement ended.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<int, List<Entry>> _byPid = new();

    /// <summary>The backend pid inside Citus's global pid.</summary>
    public static int PidOf(long gpid) => (int)(gpid % 10_000_000_000L);

    public void Open(int pid, ActivityContext context, DateTime start)
    {
        if (_byPid.Count >= MaxBackends && !_byPid.ContainsKey(pid))
        {
            _byPid.Clear(); // bounded; a lab has tens of clients, not a thousand
        }

        var entries = _byPid.GetOrAdd(pid, _ => []);
        lock (entries)
        {
            if (entries.Count >= PerBackend)
            {
                entries.RemoveAt(0);
            }

            entries.Add(new Entry(context, start));
        }
    }

    public void Close(int pid, ActivityContext context, DateTime end)
    {
        if (!_byPid.TryGetValue(pid, out var entries))
        {
            return;
        }

        Entry? closed = null;
        lock (entries)
        {
            closed = entries.LastOrDefault(e => e.Context == context);
            if (closed is not null)
            {
                closed.End = end;
            }
        }

        if (closed?.TwoPhase is { } twoPhase)
        {
            // The nodes' steps of this commit may still be on their way (placed after the fact).
            _ = Task.Delay(Settle).ContinueWith(_ => twoPhase.Finish(), TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The span a node's work for backend <paramref name="pid"/> joins: the statement that was
    /// running at <paramref name="start"/>, or, for a 2PC step, that statement's phase.
    /// </summary>
    public ActivityContext? Find(int pid, DateTime start, DateTime? end = null, string? step = null)
    {
        if (!_byPid.TryGetValue(pid, out var entries))
        {
            return null;
        }

        lock (entries)
        {
            // The statement whose time holds the work's start (the door saw the statement before the
            // coordinator did, and answers after its nodes did), else one within the slack.
            var entry = entries.LastOrDefault(e => e.Start <= start && (e.End is null || start <= e.End))
                ?? entries.LastOrDefault(e => e.Start - Slack <= start && (e.End is null || start <= e.End + Slack));
            if (entry is null)
            {
                return null;
            }

            if (step is null)
            {
                return entry.Context;
            }

            entry.TwoPhase ??= new TwoPhaseSpans(site, entry.Context);
            return entry.TwoPhase.Place(step, start, end ?? start);
        }
    }

    private sealed class Entry(ActivityContext context, DateTime start)
    {
        public ActivityContext Context { get; } = context;
        public DateTime Start { get; } = start;
        public DateTime? End { get; set; }
        public TwoPhaseSpans? TwoPhase { get; set; }
    }

    /// <summary>
    /// "two-phase commit" with "phase 1: PREPARE" and "phase 2: COMMIT PREPARED" (or ROLLBACK
    /// PREPARED) under one statement; each phase spans the steps placed in it.
    /// </summary>
    private sealed class TwoPhaseSpans
    {
        private readonly Activity? _commit;
        private Activity? _prepare;
        private Activity? _decide;
        private readonly SiteAgentOptions _site;
        private readonly Lock _gate = new();
        private bool _finished;

        public TwoPhaseSpans(SiteAgentOptions site, ActivityContext statement)
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
        private static void Widen(Activity? span, DateTime start, DateTime end)
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
}
