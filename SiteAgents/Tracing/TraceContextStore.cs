using System.Collections.Concurrent;
using System.Diagnostics;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The trace each prepared transaction belongs to, by gid: COMMIT PREPARED arrives after the
/// transaction (and its traceparent) ended, often on another connection, yet belongs to the same trace.
/// </summary>
public sealed class TraceContextStore
{
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<string, ActivityContext> _byGid = new(StringComparer.Ordinal);

    public void Remember(string gid, ActivityContext context)
    {
        if (_byGid.Count >= Capacity)
        {
            _byGid.Clear(); // bounded: a lab never has thousands of transactions in doubt
        }

        _byGid[gid] = context;
    }

    public ActivityContext? Find(string gid) => _byGid.TryGetValue(gid, out var context) ? context : null;
}
