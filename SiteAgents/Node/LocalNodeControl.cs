using System.Diagnostics;
using Npgsql;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// Local mode: the node is a PostgreSQL server process that Aspire (DCP) started and owns, so the
/// agent cannot start it again once its postmaster is gone. A crash is therefore PostgreSQL's own:
/// one server process killed with SIGKILL makes the postmaster end every session at once,
/// reinitialize shared memory and run crash recovery (restart_after_crash, on by default) — what
/// a power cut does to the database, prepared transactions kept — and the node is back by itself
/// within about a second. Stopping it for longer is the dashboard's Stop on the node's row.
/// </summary>
public sealed class LocalNodeControl(SiteAgentOptions site, NodeProbe probe) : INodeControl
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    public async Task<NodeActionResult> KillAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var connection = new NpgsqlConnection(probe.ConnectionString);
        try
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw new NodeControlException($"The {site.City} node ({site.NodeName}) does not answer ({e.Message}): nothing to kill.", StatusCodes.Status409Conflict);
            }

            // This session's own server process, killed while the session is open: the postmaster
            // sees a child die of SIGKILL, which it must treat as a crash of the whole server.
            var pid = connection.ProcessID;
            try
            {
                using var process = Process.GetProcessById(pid);
                // The node must be this machine's own process (local mode): a pid from another PID
                // namespace (a container) would name some other program here.
                if (!process.ProcessName.StartsWith("postgres", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NodeControlException(
                        $"The {site.City} node's server process (pid {pid}) is not a postgres process on this machine: is the node in a container? " +
                        "Give the agent its container (Site:NodeContainer).", StatusCodes.Status409Conflict);
                }

                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                throw new NodeControlException($"Could not kill a server process of the {site.City} node ({site.NodeName}, pid {pid}): {e.Message}", StatusCodes.Status500InternalServerError);
            }
        }
        finally
        {
            // Its server process is gone: closing only drops the socket.
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
            }
        }

        // Give the postmaster its moment to see the child die and end the other sessions: a probe
        // sooner could still be let in by the server about to reset.
        await Task.Delay(500, cancellationToken);
        if (!await probe.WaitUntilReachableAsync(ReadyLimit, null, cancellationToken))
        {
            throw new NodeControlException(NotBack, StatusCodes.Status500InternalServerError);
        }

        return Result("kill", "crashed (a server process killed with SIGKILL: PostgreSQL ended every session and ran crash recovery); it restarted itself, as local mode does", clock);
    }

    public Task<NodeActionResult> StopAsync(CancellationToken cancellationToken) =>
        throw new NodeControlException(
            $"In local mode the {site.City} node is a process Aspire started: stop it in the dashboard (the {site.Name} row → Stop, then Start), " +
            "or make the site unreachable with the 'down' fault (POST /presets/down). POST /node/kill crashes it (it restarts itself at once).",
            StatusCodes.Status409Conflict);

    public async Task<NodeActionResult> StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!await probe.WaitUntilReachableAsync(ReadyLimit, null, cancellationToken))
        {
            throw new NodeControlException(NotBack, StatusCodes.Status503ServiceUnavailable);
        }

        return Result("start", "running; it accepts connections", clock);
    }

    private string NotBack =>
        $"The {site.City} node ({site.NodeName}) does not accept connections after {ReadyLimit.TotalSeconds:0} s. In local mode Aspire runs it: " +
        $"open the {site.Name} row in the dashboard, read its console log (the last lines say why), then choose Start.";

    private NodeActionResult Result(string action, string outcome, Stopwatch clock) =>
        new(site.Name, site.NodeName, action, outcome, clock.ElapsedMilliseconds);
}
