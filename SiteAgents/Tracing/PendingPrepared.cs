namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The transactions this site's node has prepared (it answered PREPARE TRANSACTION) and not yet
/// been told the decision for (COMMIT PREPARED or ROLLBACK PREPARED answered), over every link of
/// the site: a transaction is prepared on one link and decided on another, often by recovery.
/// A read relayed meanwhile does not see that transaction's rows here, while a site that already
/// committed shows them: the read's span names these gids (a fractured read's explanation).
/// Kept by the agent, from what it relayed: a transaction prepared before the agent started, or
/// decided on the node directly, is not known here.
/// </summary>
public sealed class PendingPrepared
{
    /// <summary>Bounded: prepared transactions hold locks, so a lab never keeps thousands waiting.</summary>
    private const int Capacity = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _order = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>The node voted yes for <paramref name="gid"/>: it holds the transaction until a decision.</summary>
    public void Prepared(string gid)
    {
        lock (_gate)
        {
            if (_order.Count >= Capacity)
            {
                var oldest = _order.MinBy(p => p.Value).Key;
                _order.Remove(oldest);
            }

            _order[gid] = _next++;
        }
    }

    /// <summary>The node applied the decision for <paramref name="gid"/> (or has no such transaction).</summary>
    public void Decided(string gid)
    {
        lock (_gate)
        {
            _order.Remove(gid);
        }
    }

    /// <summary>The gids waiting for their decision now, the oldest first; empty when none.</summary>
    public string[] Now()
    {
        lock (_gate)
        {
            return _order.Count == 0 ? [] : [.. _order.OrderBy(p => p.Value).Select(p => p.Key)];
        }
    }
}
