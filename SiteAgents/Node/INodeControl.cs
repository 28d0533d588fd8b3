namespace MediAI.SiteAgents.Node;

/// <summary>
/// What an agent can do to its own node: crash it, stop it, bring it back. Container mode acts on
/// the container (<see cref="ContainerNodeControl"/>), local mode on the PostgreSQL server
/// (<see cref="LocalNodeControl"/>): the agent API and the crash faults see only this.
/// </summary>
public interface INodeControl
{
    /// <summary>Kills the node at once (SIGKILL): no shutdown, no checkpoint; what was prepared survives on disk.</summary>
    Task<NodeActionResult> KillAsync(CancellationToken cancellationToken);

    /// <summary>Stops the node cleanly.</summary>
    Task<NodeActionResult> StopAsync(CancellationToken cancellationToken);

    /// <summary>Starts the node again and waits until it answers.</summary>
    Task<NodeActionResult> StartAsync(CancellationToken cancellationToken);
}

/// <summary>Why a node is killed: by hand (the API, a dashboard command) or by a crash fault at a 2PC moment.</summary>
/// <param name="By">What asked: "api", or the fault's name and the site it fired at.</param>
/// <param name="Moment">The 2PC moment it fired at, when a fault did.</param>
/// <param name="Gid">The prepared transaction's gid the fault saw, when it saw one.</param>
public sealed record NodeCrash(string By, string? Moment = null, string? Gid = null)
{
    public static readonly NodeCrash ByHand = new("api");
}

/// <summary>What an action did, as the agent API answers it.</summary>
public sealed record NodeActionResult(string Site, string Node, string Action, string Outcome, long Milliseconds);

/// <summary>An action that could not be done; <see cref="LogTail"/> holds the node's last log lines when they say why.</summary>
public sealed class NodeControlException(string message, int statusCode, IReadOnlyList<string>? logTail = null) : Exception(message)
{
    public int StatusCode => statusCode;
    public IReadOnlyList<string> LogTail => logTail ?? [];
}
