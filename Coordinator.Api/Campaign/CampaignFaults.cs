namespace MediAI.Coordinator.Campaign;

/// <summary>
/// The faults a campaign draws from: every kind a site agent has, as data (the agents own one
/// file per fault; this is only the menu). Each makes the agent request for a draw of the seeded
/// generator, so a seed replays the same faults.
/// </summary>
public static class CampaignFaults
{
    /// <summary>Which node a kind kills, to start it again when the transfer is over.</summary>
    public enum Kills { Nothing, FaultedSite, Coordinator }

    public sealed record Kind(string Name, Func<Random, object> Request, Kills Kills = Kills.Nothing);

    /// <summary>The menu on this lab: on an existing cluster (external mode) no kind that kills a node — node kills are the lab's own nodes' feature.</summary>
    /// <param name="only">The kinds asked for (null: all).</param>
    public static IReadOnlyList<Kind> For(bool nodeKills, IReadOnlyList<string>? only = null) =>
        [.. All.Where(k => (nodeKills || k.Kills == Kills.Nothing) && (only is null || only.Contains(k.Name)))];

    /// <summary>The fault kind of a transfer no fault hit.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<Kind> All =
    [
        new("down", _ => new { name = "campaign", type = "down" }),
        new("latency", r => new { name = "campaign", type = "latency", attributes = new { latency = r.Next(20, 120), jitter = 10 } }),
        new("bandwidth", r => new { name = "campaign", type = "bandwidth", attributes = new { rate = r.Next(20, 200) } }),
        new("timeout", r => new { name = "campaign", type = "timeout", stream = "upstream", attributes = new { timeout = r.Next(50, 400) } }),
        new("reset_peer", r => new { name = "campaign", type = "reset_peer", stream = r.Next(2) == 0 ? "upstream" : "downstream", attributes = new { timeout = r.Next(0, 100) } }),
        new("fail_prepare", _ => new { name = "campaign", type = "fail_prepare" }),
        new("drop_after_prepare", _ => new { name = "campaign", type = "drop_after_prepare" }),
        new("drop_before_commit_prepared", _ => new { name = "campaign", type = "drop_before_commit_prepared" }),
        new("delay_prepare", r => new { name = "campaign", type = "delay_prepare", attributes = new { delay = r.Next(100, 1_000) } }),
        new("delay_commit_prepared", r => new { name = "campaign", type = "delay_commit_prepared", attributes = new { delay = r.Next(200, 1_500) } }),
        new("slicer", r => new { name = "campaign", type = "slicer", attributes = new { average_size = r.Next(8, 64), size_variation = 4, delay = r.Next(0, 500) } }),
        new("limit_data", r => new { name = "campaign", type = "limit_data", stream = r.Next(2) == 0 ? "upstream" : "downstream", attributes = new { bytes = r.Next(100, 4_000) } }),
        new("slow_close", r => new { name = "campaign", type = "slow_close", attributes = new { delay = r.Next(50, 300) } }),
        new("toxicity", r => new { name = $"campaign-{r.Next()}", type = "reset_peer", toxicity = 0.5, attributes = new { timeout = 0 } }),
        new("crash_node_at_prepare", _ => Crash("crash_node", "prepare"), Kills.FaultedSite),
        new("crash_node_after_prepared", _ => Crash("crash_node", "prepared"), Kills.FaultedSite),
        new("crash_node_at_commit_prepared", _ => Crash("crash_node", "commit_prepared"), Kills.FaultedSite),
        new("crash_coordinator_before_commit_record", _ => Crash("crash_coordinator", "prepared"), Kills.Coordinator),
        new("crash_coordinator_after_commit_record", _ => Crash("crash_coordinator", "commit_prepared"), Kills.Coordinator),
    ];

    private static object Crash(string type, string at) => new { name = "campaign", type, attributes = new { at } };
}
