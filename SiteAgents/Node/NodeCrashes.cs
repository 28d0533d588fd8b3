using System.Diagnostics;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// Every node kill an agent asks for (by hand, or a crash fault at a 2PC moment) goes through
/// here: the kill itself, a log line naming the site, and a span — in the trace of the
/// transaction whose gid the fault saw, once that trace is known, else a root of its own.
/// </summary>
public sealed partial class NodeCrashes(
    SiteAgentOptions site, INodeControl own, ICoordinatorNode coordinator, TraceContextStore traces, IHostApplicationLifetime lifetime, ILogger<NodeCrashes> logger)
{
    /// <summary>How long a span waits for its transaction's trace: a node's 2PC spans are emitted just after the fact.</summary>
    private static readonly TimeSpan TraceWait = TimeSpan.FromSeconds(3);

    // No caller's token: a kill, once asked, goes to its end. The caller's link or request dies
    // with the node it kills (the coordinator's own links, when Paris is the target), and a kill
    // cancelled half-way would neither be reported nor wait for the node to come back.
    public Task<NodeActionResult> KillOwnAsync(NodeCrash why) => KillAsync(site.City, why, (_, ct) => own.KillAsync(ct));

    public Task<NodeActionResult> KillCoordinatorAsync(NodeCrash why) => KillAsync(LabSites.Coordinator.City, why, coordinator.KillAsync);

    private async Task<NodeActionResult> KillAsync(string target, NodeCrash why, Func<NodeCrash, CancellationToken, Task<NodeActionResult>> kill)
    {
        var start = DateTimeOffset.UtcNow;
        try
        {
            var result = await kill(why, lifetime.ApplicationStopping);
            LogKilled(logger, site.City, target, why.By, why.Moment ?? "now", why.Gid ?? "-", result.Outcome);
            _ = EmitAsync(target, why, start, DateTimeOffset.UtcNow, result.Outcome, null);
            return result;
        }
        catch (NodeControlException e)
        {
            LogNotKilled(logger, site.City, target, why.By, e.Message);
            _ = EmitAsync(target, why, start, DateTimeOffset.UtcNow, null, e.Message);
            throw;
        }
    }

    private async Task EmitAsync(string target, NodeCrash why, DateTimeOffset start, DateTimeOffset end, string? outcome, string? error)
    {
        var parent = default(ActivityContext);
        for (var waited = TimeSpan.Zero; why.Gid is { } gid && waited < TraceWait; waited += TimeSpan.FromMilliseconds(100))
        {
            if (traces.Find(gid) is { } found)
            {
                parent = found;
                break;
            }

            await Task.Delay(100);
        }

        using var span = Spans.Start($"crash: {target} node killed", ActivityKind.Internal, parent, start,
        [
            new("mediai.site", site.Name),
            new("mediai.crash.node", target),
            new("mediai.crash.by", why.By),
            new("mediai.2pc.moment", why.Moment),
            new("mediai.2pc.gid", why.Gid),
            new("mediai.crash.outcome", outcome),
        ]);
        if (error is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, error);
        }

        span?.SetEndTime(end.UtcDateTime);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{City}: the {Target} node was killed (by {By}, at {Moment}, gid {Gid}): {Outcome}")]
    private static partial void LogKilled(ILogger logger, string city, string target, string by, string moment, string gid, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "{City}: could not kill the {Target} node (asked by {By}): {Reason}")]
    private static partial void LogNotKilled(ILogger logger, string city, string target, string by, string reason);
}
