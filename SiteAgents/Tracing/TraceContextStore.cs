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
    private readonly ConcurrentDictionary<string, (ActivityContext Context, bool Sent)> _byGid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActivityContext> _prepareSpans = new(StringComparer.Ordinal);

    /// <param name="sent">The client sent this context (SET LOCAL mediai.traceparent): its decision belongs there too.</param>
    public void Remember(string gid, ActivityContext context, bool sent = false)
    {
        if (_byGid.Count >= Capacity)
        {
            _byGid.Clear(); // bounded: a lab never has thousands of transactions in doubt
        }

        _byGid[gid] = (context, sent);
    }

    /// <summary>This site's own PREPARE TRANSACTION span for <paramref name="gid"/>: what a read's link points at.</summary>
    public void RememberPrepareSpan(string gid, ActivityContext span)
    {
        if (_prepareSpans.Count >= Capacity)
        {
            _prepareSpans.Clear();
        }

        _prepareSpans[gid] = span;
    }

    /// <summary>A link to each gid's PREPARE here (else to the trace it was prepared in), for those this site has seen placed.</summary>
    public IEnumerable<ActivityLink> LinksTo(IReadOnlyList<string> gids)
    {
        foreach (var gid in gids)
        {
            if ((_prepareSpans.TryGetValue(gid, out var span) ? span : Find(gid)) is { } prepared)
            {
                yield return new ActivityLink(prepared, new ActivityTagsCollection { ["db.transaction.gid"] = gid });
            }
        }
    }

    public ActivityContext? Find(string gid) => _byGid.TryGetValue(gid, out var found) ? found.Context : null;

    /// <summary>The trace the client itself named for this gid's transaction, if it did.</summary>
    public ActivityContext? FindSent(string gid) => _byGid.TryGetValue(gid, out var found) && found.Sent ? found.Context : null;
}
