using System.Collections.Concurrent;
using System.Diagnostics;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The students' door's record of what each client is running, by the client's backend pid
/// (BackendKeyData): the span every node's part of that statement joins. Citus tells each node
/// whose statement it runs: its connections carry <c>application_name = 'citus_internal
/// gpid=N'</c>, N = node id × 10^10 + that backend pid. Bounded: a few recent statements per
/// backend, a thousand backends. A backend's entries outlive its client: the nodes' spans are
/// matched after the fact (psql -c exits before they are), and a reused pid starts later entries.
/// </summary>
public sealed class StatementLedger
{
    private const int PerBackend = 32;
    private const int MaxBackends = 1024;

    /// <summary>Clocks of one machine, read by different processes: a little slack either side.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(2);

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

        lock (entries)
        {
            foreach (var entry in entries)
            {
                if (entry.Context == context)
                {
                    entry.End = end;
                }
            }
        }
    }

    /// <summary>The statement backend <paramref name="pid"/> was running at <paramref name="at"/>, if the door saw it.</summary>
    public ActivityContext? Find(int pid, DateTime at)
    {
        if (!_byPid.TryGetValue(pid, out var entries))
        {
            return null;
        }

        lock (entries)
        {
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var entry = entries[i];
                if (entry.Start - Slack <= at && (entry.End is null || at <= entry.End + Slack))
                {
                    return entry.Context;
                }
            }
        }

        return null;
    }

    private sealed class Entry(ActivityContext context, DateTime start)
    {
        public ActivityContext Context { get; } = context;
        public DateTime Start { get; } = start;
        public DateTime? End { get; set; }
    }
}
