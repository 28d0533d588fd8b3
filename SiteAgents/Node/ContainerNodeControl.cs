using System.Diagnostics;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// Container mode: the node is its container (citus_worker3), and a crash is `docker kill`: the
/// container stays down until started again, as after the handout's `docker stop citus_worker3`.
/// </summary>
public sealed class ContainerNodeControl(SiteAgentOptions site, NodeProbe probe) : INodeControl, IDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);
    private const int LogLines = 15;

    // One action at a time: a start asked while a kill is still waiting for the container to go
    // (the campaign heals as soon as its transfer failed) would find it running, then see it exit
    // and call that a node that cannot start.
    private readonly SemaphoreSlim _one = new(1, 1);

    private string Container => site.NodeContainer;

    public void Dispose() => _one.Dispose();

    public Task<NodeActionResult> KillAsync(CancellationToken cancellationToken) => OneAtATimeAsync(() => KillNowAsync(cancellationToken), cancellationToken);

    public Task<NodeActionResult> StopAsync(CancellationToken cancellationToken) => OneAtATimeAsync(() => StopNowAsync(), cancellationToken);

    public Task<NodeActionResult> StartAsync(CancellationToken cancellationToken) => OneAtATimeAsync(() => StartNowAsync(cancellationToken), cancellationToken);

    private async Task<NodeActionResult> OneAtATimeAsync(Func<Task<NodeActionResult>> action, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<NodeActionResult> KillNowAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var kill = await DockerAsync(["kill", "--signal", "KILL", Container]);
        if (!kill.Ok)
        {
            throw NotRunningOr(kill, "kill");
        }

        // The engine answers once the signal is sent; the container is down a moment later.
        for (var i = 0; i < 100 && await IsRunningAsync(); i++)
        {
            await Task.Delay(100, cancellationToken);
        }

        return Result("kill", "killed (SIGKILL): the container is down until it is started again", clock);
    }

    private async Task<NodeActionResult> StopNowAsync()
    {
        var clock = Stopwatch.StartNew();
        var stop = await DockerAsync(["stop", "--time", "10", Container]);
        if (!stop.Ok)
        {
            throw NotRunningOr(stop, "stop");
        }

        return Result("stop", "stopped cleanly: the container is down until it is started again", clock);
    }

    private async Task<NodeActionResult> StartNowAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (await IsRunningAsync() && (await probe.ProbeAsync(cancellationToken)).Reachable)
        {
            return Result("start", "already running", clock);
        }

        var start = await DockerAsync(["start", Container]);
        if (!start.Ok)
        {
            throw new NodeControlException($"The {site.City} node (container {Container}) could not be started: {start.Error}", StatusCodes.Status500InternalServerError, await LogTailAsync());
        }

        // Ready when it accepts a session; given up at once if the container exits (a node that cannot start).
        if (!await probe.WaitUntilReachableAsync(ReadyLimit, async () => !await IsRunningAsync(), cancellationToken))
        {
            throw new NodeControlException(
                await IsRunningAsync()
                    ? $"The {site.City} node (container {Container}) was started but does not accept connections after {ReadyLimit.TotalSeconds:0} s. Its last log lines say why."
                    : $"The {site.City} node (container {Container}) could not start again: it exited. Its last log lines say why; " +
                      $"fix that, then start it again (or start the lab fresh: --Lab:Fresh=true).",
                StatusCodes.Status500InternalServerError,
                await LogTailAsync());
        }

        return Result("start", "started; it accepts connections", clock);
    }

    private async Task<bool> IsRunningAsync() => (await DockerAsync(["container", "inspect", "--format", "{{.State.Running}}", Container])).Output == "true";

    private async Task<List<string>> LogTailAsync()
    {
        // The engine interleaves the container's stdout and stderr; 2>&1 is what a student would read.
        var logs = await DockerAsync(["logs", "--tail", $"{LogLines}", Container]);
        return [.. $"{logs.Output}\n{logs.Error}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(LogLines)];
    }

    private NodeControlException NotRunningOr(DockerCli.Result failed, string action) =>
        failed.Error.Contains("is not running", StringComparison.OrdinalIgnoreCase)
            ? new NodeControlException($"The {site.City} node (container {Container}) is not running: nothing to {action}. Start it: POST /node/start, or the dashboard's 'Start node'.", StatusCodes.Status409Conflict)
            : new NodeControlException($"Could not {action} the {site.City} node (container {Container}): {failed.Error}", StatusCodes.Status500InternalServerError);

    // Every CLI call waits on a process, and reads its pipes asynchronously: never on the caller's
    // thread. The agent runs socket continuations inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS):
    // a blocking wait there stalls the very I/O thread its pipes need — seen: the whole agent hung.
    private static Task<DockerCli.Result> DockerAsync(string[] args) => Task.Run(() => DockerCli.Run(TimeSpan.FromSeconds(30), args));

    private NodeActionResult Result(string action, string outcome, Stopwatch clock) =>
        new(site.Name, $"container {Container}", action, outcome, clock.ElapsedMilliseconds);
}
