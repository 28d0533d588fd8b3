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

    /// <summary>How long a statement whose client left keeps its sites' later parts (the coordinator finishes what it sent).</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<int, List<Entry>> _byPid = new();
    private readonly ConcurrentDictionary<int, DateTime> _disconnected = new();

    /// <summary>The backend pid inside Citus's global pid.</summary>
    public static int PidOf(long gpid) => (int)(gpid % 10_000_000_000L);

    public void Open(int pid, ActivityContext context, DateTime start)
    {
        if (_byPid.Count >= MaxBackends && !_byPid.ContainsKey(pid))
        {
            _byPid.Clear(); // bounded; a lab has tens of clients, not a thousand
            _disconnected.Clear();
        }

        _disconnected.TryRemove(pid, out _);
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

    /// <summary>The door's client of backend <paramref name="pid"/> left: later work of that pid is another client's.</summary>
    public void Disconnect(int pid, DateTime at) => _disconnected[pid] = at;

    private bool Connected(int pid, DateTime at) => !_disconnected.TryGetValue(pid, out var left) || at <= left + Slack;

    /// <param name="end">When it was answered; null when its client left first (the statement still runs at the coordinator, so later work is still its own).</param>
    public void Close(int pid, ActivityContext context, DateTime? end)
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
                closed.End = end ?? DateTime.UtcNow + Abandoned;
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
    /// <param name="nearest">
    /// Else, while that client is still connected through the door, its latest statement begun
    /// before the work: a client at the door never has a part of its work outside its traces.
    /// </param>
    public ActivityContext? Find(int pid, DateTime start, DateTime? end = null, string? step = null, bool nearest = false)
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
                ?? entries.LastOrDefault(e => e.Start - Slack <= start && (e.End is null || start <= e.End + Slack))
                ?? (nearest && Connected(pid, start) ? entries.LastOrDefault(e => e.Start - Slack <= start) : null);
            if (entry is null)
            {
                return null;
            }

            if (step is null)
            {
                return entry.Context;
            }

            entry.TwoPhase ??= new CommitPhases(site, entry.Context);
            return entry.TwoPhase.Place(step, start, end ?? start);
        }
    }

    private sealed class Entry(ActivityContext context, DateTime start)
    {
        public ActivityContext Context { get; } = context;
        public DateTime Start { get; } = start;
        public DateTime? End { get; set; }
        public CommitPhases? TwoPhase { get; set; }
    }
}
