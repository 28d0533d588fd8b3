using System.Collections.Concurrent;

namespace MediAI.SiteAgents.Gateway;

/// <summary>The links open through this site's gateway.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, GatewayConnection> _open = new();
    private long _nextId;

    public int Count => _open.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(GatewayConnection connection) => _open[connection.ConnectionId] = connection;

    public void Remove(GatewayConnection connection) => _open.TryRemove(connection.ConnectionId, out _);

    /// <summary>Drops every open link (a site going down): clients see their connection reset.</summary>
    public void ResetAll()
    {
        foreach (var connection in _open.Values)
        {
            connection.Reset();
        }
    }
}
