using System.Diagnostics;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// Container mode: the node is its container (citus_worker3), and a crash is `docker kill`: the
/// container stays down until started again, as after the handout's `docker stop citus_worker3`.
/// </summary>
public sealed class ContainerNodeControl(SiteAgentOptions site, NodeProbe probe) : INodeControl
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);
    private const int LogLines = 15;

    private string Container => site.NodeContainer;

    public async Task<NodeActionResult> KillAsync(NodeCrash why, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var kill = await DockerAsync(["kill", "--signal", "KILL", Container]);
        if (!kill.Ok)
        {
            throw NotRunningOr(kill, "kill");
        }

        return Result("kill", "killed (SIGKILL): the container is down until it is started again", clock);
    }

    public async Task<NodeActionResult> StopAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var stop = await DockerAsync(["stop", "--time", "10", Container]);
        if (!stop.Ok)
        {
            throw NotRunningOr(stop, "stop");
        }

        return Result("stop", "stopped cleanly: the container is down until it is started again", clock);
    }

    public async Task<NodeActionResult> StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (IsRunning() && (await probe.ProbeAsync(cancellationToken)).Reachable)
        {
            return Result("start", "already running", clock);
        }

        var start = await DockerAsync(["start", Container]);
        if (!start.Ok)
        {
            throw new NodeControlException($"The {site.City} node (container {Container}) could not be started: {start.Error}", StatusCodes.Status500InternalServerError, LogTail());
        }

        // Ready when it accepts a session; given up at once if the container exits (a node that cannot start).
        if (!await probe.WaitUntilReachableAsync(ReadyLimit, () => !IsRunning(), cancellationToken))
        {
            throw new NodeControlException(
                IsRunning()
                    ? $"The {site.City} node (container {Container}) was started but does not accept connections after {ReadyLimit.TotalSeconds:0} s. Its last log lines say why."
                    : $"The {site.City} node (container {Container}) could not start again: it exited. Its last log lines say why; " +
                      $"fix that, then start it again (or start the lab fresh: --Lab:Fresh=true).",
                StatusCodes.Status500InternalServerError,
                LogTail());
        }

        return Result("start", "started; it accepts connections", clock);
    }

    private bool IsRunning() => DockerCli.Run("container", "inspect", "--format", "{{.State.Running}}", Container).Output == "true";

    private List<string> LogTail()
    {
        // The engine interleaves the container's stdout and stderr; 2>&1 is what a student would read.
        var logs = DockerCli.Run("logs", "--tail", $"{LogLines}", Container);
        return [.. $"{logs.Output}\n{logs.Error}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(LogLines)];
    }

    private NodeControlException NotRunningOr(DockerCli.Result failed, string action) =>
        failed.Error.Contains("is not running", StringComparison.OrdinalIgnoreCase)
            ? new NodeControlException($"The {site.City} node (container {Container}) is not running: nothing to {action}. Start it: POST /node/start, or the dashboard's 'Start node'.", StatusCodes.Status409Conflict)
            : new NodeControlException($"Could not {action} the {site.City} node (container {Container}): {failed.Error}", StatusCodes.Status500InternalServerError);

    // The CLI call waits on a process: off the caller's thread (a relay's pump may be the caller).
    private static Task<DockerCli.Result> DockerAsync(string[] args) => Task.Run(() => DockerCli.Run(TimeSpan.FromSeconds(30), args));

    private NodeActionResult Result(string action, string outcome, Stopwatch clock) =>
        new(site.Name, $"container {Container}", action, outcome, clock.ElapsedMilliseconds);
}
