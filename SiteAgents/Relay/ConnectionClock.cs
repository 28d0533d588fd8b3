namespace MediAI.SiteAgents.Relay;

/// <summary>Per-connection time reference for faults that act "after N ms".</summary>
public sealed class ConnectionClock
{
    /// <summary>When the link opened (Environment.TickCount64).</summary>
    public long OpenedAt { get; } = Environment.TickCount64;

    /// <summary>Time since <paramref name="since"/> or since the link opened, whichever is later.</summary>
    public TimeSpan ElapsedSince(long since) => TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(OpenedAt, since));
}
