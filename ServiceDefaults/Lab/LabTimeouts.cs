namespace MediAI.Lab;

/// <summary>
/// How long the lab waits for a site that does not answer, so that a statement needing it fails
/// with an error naming the node instead of hanging on Citus's and the kernel's defaults (30 s to
/// open a link; a quarter of an hour of TCP retransmissions on an open one). README: "How long a
/// failure takes"; measured by Labs.Tests/Citus/UnresponsiveSiteTests.cs (5 s and about 20 s).
/// </summary>
public static class LabTimeouts
{
    /// <summary>Opening a link to a node (citus.node_connection_timeout).</summary>
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opening a link to a node while the lab sets itself up (the bootstrap, Reset lab data): Citus's
    /// own default. Creating the shards opens many links at once, and on a laptop still starting its
    /// four nodes one took longer than <see cref="Connect"/> (measured on 2 cores under load: the
    /// bootstrap failed with "connection to the remote node … failed … connection not open").
    /// </summary>
    public static readonly TimeSpan SetupConnect = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Data unanswered on an open link (libpq's tcp_user_timeout in citus.node_conninfo): over a real
    /// network the coordinator's kernel drops such a link. Through the lab's gateways the kernel never
    /// waits (the gateway acknowledges), so a silent site's gateway resets the link after the same time.
    /// </summary>
    public static readonly TimeSpan Network = TimeSpan.FromSeconds(10);
}
