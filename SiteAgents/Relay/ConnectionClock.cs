namespace MediAI.SiteAgents.Relay;

/// <summary>
/// What a fault knows of the link a chunk is on: when it opened (for faults that act "after N ms")
/// and which link it is (for faults that decide once per link: toxicity, limit_data).
/// </summary>
public sealed class ConnectionClock(long connectionId = 0)
{
    /// <summary>The link's id, unique at this site (the same as <see cref="IFaultTarget.ConnectionId"/>).</summary>
    public long ConnectionId => connectionId;

    /// <summary>When the link opened (Environment.TickCount64).</summary>
    public long OpenedAt { get; } = Environment.TickCount64;

    /// <summary>Time since <paramref name="since"/> or since the link opened, whichever is later.</summary>
    public TimeSpan ElapsedSince(long since) => TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(OpenedAt, since));
}
