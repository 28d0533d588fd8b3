using System.Collections.Concurrent;
using System.Diagnostics;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Roots for statements that never passed the students' door (<c>docker exec citus_master psql</c>,
/// a script on the coordinator's own port): the door saw nothing, but every node's part of them
/// still names the coordinator backend (Citus's gpid). Paris makes one root per coordinator
/// transaction — a statement, or a whole <c>BEGIN … COMMIT</c> — from what pg_stat_activity says
/// that backend runs, and keys it by the Citus transaction (<see cref="CitusTransaction"/>) so a
/// block's statements and its commit's steps, seen at four sites, land in it even after the
/// backend moved on. A root ends a little after its last part arrived (the parts come late).
/// Citus's own background workers get no root for their statements: they stay out.
/// </summary>
public sealed class SynthesizedRoots(SiteAgentOptions site, IBackendActivity backends)
{
    private const int PerBackend = 16;
    private const int MaxBackends = 1024;

    /// <summary>How long a root waits for more parts after the last one arrived.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<int, List<Root>> _byPid = new();
    private readonly KeyValuePair<string, object?>[] _siteTags = SpanText.SiteTags(site);

    /// <summary>
    /// Where <paramref name="work"/> goes: its transaction's root, or that root's commit phase;
    /// out, for Citus's background and the lab's own programs; unknown for a worker's backend.
    /// </summary>
    public async Task<Placement> FindAsync(NodeWork work, CancellationToken cancellationToken)
    {
        var root = work.Transaction is { } known ? Lookup(work.Pid, r => r.Transactions.Contains(known)) : null;
        if (root is null)
        {
            var backend = await backends.ReadAsync(work.Pid, cancellationToken);
            if (backend is not null && work.Node is { } node && node != CitusClient.NodeNotInMetadata && backend.Node != node)
            {
                return Placement.Unknown; // the pid is a worker's backend: not this coordinator's to root
            }

            if (backend is { IsClient: false } && work.Step is null)
            {
                return Placement.Out; // Citus's maintenance, not a student's statement
            }

            if (backend is { IsLabProgram: true })
            {
                return Placement.Out; // the bootstrap, the checker: the API traces what it does itself
            }

            root = Claim(work, backend);
        }

        return root.Place(work) is { } parent ? Placement.Under(parent) : Placement.Unknown;
    }

    private Root? Lookup(int pid, Func<Root, bool> match)
    {
        if (!_byPid.TryGetValue(pid, out var roots))
        {
            return null;
        }

        lock (roots)
        {
            return roots.LastOrDefault(match);
        }
    }

    /// <summary>The root of the transaction <paramref name="backend"/> is in (or last ran), made if new.</summary>
    private Root Claim(NodeWork work, BackendActivity? backend)
    {
        if (_byPid.Count >= MaxBackends && !_byPid.ContainsKey(work.Pid))
        {
            _byPid.Clear(); // bounded; roots already made end on their own timers
        }

        var roots = _byPid.GetOrAdd(work.Pid, _ => []);
        lock (roots)
        {
            // Same transaction: the same start in pg_stat_activity; unknown backend (gone): the root whose time holds the work.
            var root = roots.LastOrDefault(r => backend?.TransactionStarted is { } started ? r.Started == started : r.Holds(work.Start));
            if (root is null)
            {
                root = new Root(site, Start(work, backend), backend?.TransactionStarted);
                if (roots.Count >= PerBackend)
                {
                    roots.RemoveAt(0);
                }

                roots.Add(root);
            }

            if (work.Transaction is { } transaction)
            {
                root.Transactions.Add(transaction);
            }

            root.Observe(backend);
            return root;
        }
    }

    private Activity? Start(NodeWork work, BackendActivity? backend)
    {
        var name = backend switch
        {
            null => $"(backend {work.Pid}: its client left before Paris read its statement)",
            { IsClient: false } => $"Citus background: {backend.BackendType}",
            { InBlock: true } => "BEGIN … COMMIT",
            _ => SpanText.StatementName(backend.Query),
        };
        var started = backend?.TransactionStarted is { } t && t < work.Start ? t : work.Start;
        var span = Spans.Start(name, ActivityKind.Server, parent: default, started);
        if (span is null)
        {
            return null;
        }

        foreach (var (key, value) in _siteTags)
        {
            span.SetTag(key, value);
        }

        span.SetTag("mediai.client", true);
        span.SetTag("mediai.root", "synthesized: the client bypassed the students' door; pg_stat_activity names its statement");
        span.SetTag("db.postgresql.backend_pid", work.Pid);
        if (backend is not null)
        {
            span.SetTag("db.query.text", SpanText.QueryText(backend.Query, truncated: false));
            span.SetTag("db.postgresql.backend_type", backend.BackendType);
            if (backend.Application.Length > 0)
            {
                span.SetTag("client.application_name", backend.Application);
            }
        }

        return span;
    }

    /// <summary>One coordinator transaction's root, its commit's phases, and when it may end.</summary>
    private sealed class Root(SiteAgentOptions site, Activity? span, DateTime? started)
    {
        private readonly Lock _gate = new();
        private CommitPhases? _phases;
        private DateTime _lastEnd = span?.StartTimeUtc ?? DateTime.MinValue;
        private DateTime? _stateChange;
        private long _generation;
        private bool _finished;

        public DateTime? Started { get; } = started;
        public HashSet<string> Transactions { get; } = new(StringComparer.Ordinal);

        public bool Holds(DateTime at) => span is not null && span.StartTimeUtc <= at && at <= _lastEnd + Settle;

        /// <summary>Idle after this transaction: pg_stat_activity's state_change is when it ended.</summary>
        public void Observe(BackendActivity? backend)
        {
            if (backend is { State: "idle", StateChange: { } ended } && backend.TransactionStarted == Started)
            {
                lock (_gate)
                {
                    _stateChange = ended;
                }
            }
        }

        public ActivityContext? Place(NodeWork work)
        {
            if (span is null)
            {
                return null;
            }

            long generation;
            ActivityContext? placed;
            lock (_gate)
            {
                if (work.End > _lastEnd)
                {
                    _lastEnd = work.End;
                }

                if (work.Step is { } step)
                {
                    if (step == TwoPhaseStep.RollbackPrepared && span.DisplayName == "BEGIN … COMMIT")
                    {
                        span.DisplayName = "BEGIN … ROLLBACK";
                    }

                    _phases ??= new CommitPhases(site, span.Context);
                    placed = _phases.Place(step, work.Start, work.End);
                }
                else
                {
                    placed = span.Context;
                }

                generation = ++_generation;
            }

            // Ends once no part has arrived for a while: parts come after the fact, from four agents.
            _ = Task.Delay(Settle).ContinueWith(_ => FinishIfQuiet(generation), TaskScheduler.Default);
            return placed;
        }

        private void FinishIfQuiet(long generation)
        {
            lock (_gate)
            {
                if (_finished || generation != _generation || span is null)
                {
                    return;
                }

                _finished = true;
                _phases?.Finish();
                var end = _stateChange is { } ended && ended > _lastEnd ? ended : _lastEnd;
                span.SetEndTime(end);
                span.Stop();
            }
        }
    }
}
