namespace MediAI.AppHost;

/// <summary>The fault commands each site agent shows in the dashboard (its ⋯ menu).</summary>
public static class SiteAgentCommands
{
    private static readonly (string Path, string Name, string Label, string Description, string Icon)[] Commands =
    [
        (AgentRoutes.Down, "site-down", "Take site down", "Drop this site's links and refuse new ones, as if the site were unreachable.", "PlugDisconnected"),
        (AgentRoutes.Restore, "site-restore", "Restore site", "Make this site reachable again.", "PlugConnected"),
        (AgentRoutes.WanOn, "wan-on", "WAN latency on", "Add this site's geographic one-way delay to Paris on its links.", "Globe"),
        (AgentRoutes.WanOff, "wan-off", "WAN latency off", "Remove the WAN delay.", "GlobeProhibited"),
        (AgentRoutes.FailPrepare, "fail-prepare", "Fail next PREPARE", "The next PREPARE TRANSACTION at this site fails: the site votes no.", "DismissCircle"),
        (AgentRoutes.DropAfterPrepare, "drop-after-prepare", "Drop link after PREPARE", "The next PREPARE is acknowledged, then the link drops before COMMIT PREPARED: an in-doubt transaction.", "LinkDismiss"),
        (AgentRoutes.Reset, "heal-all", "Heal all", "Remove every fault at this site.", "HeartPulse"),
        (AgentRoutes.NodeKill, "node-kill", "Kill node (crash)", "Kill this site's node at once (SIGKILL): what it prepared survives on disk.", "Flash"),
        (AgentRoutes.NodeStart, "node-start", "Start node", "Start this site's node again and wait until it answers.", "Play"),
    ];

    // Container mode only: in local mode the node's process is Aspire's, stopped from its own row.
    private static readonly (string Path, string Name, string Label, string Description, string Icon) Stop =
        (AgentRoutes.NodeStop, "node-stop", "Stop node", "Stop this site's node cleanly (docker stop).", "Stop");

    // At the workers: the coordinator killed between the phases, seen from this site's link (exercise 4d);
    // a phase held at this site while the others go ahead (exercise 4e: committed, but not all at once).
    private static readonly (string Path, string Name, string Label, string Description, string Icon)[] WorkerCommands =
    [
        (AgentRoutes.HoldCommitPrepared, "hold-commit-prepared", "Hold COMMIT PREPARED 3 s",
            "The next COMMIT PREPARED for this site waits 3 s before its node sees it: the other sites commit first, and a reader meanwhile sees only their part.", "Timer"),
        (AgentRoutes.HoldPrepare, "hold-prepare", "Hold PREPARE 3 s",
            "The next PREPARE TRANSACTION for this site waits 3 s before its node sees it: the other sites have prepared and hold their locks meanwhile.", "HourglassHalf"),
        (AgentRoutes.CrashCoordinatorBeforeCommitRecord, "crash-coordinator-before", "Crash coordinator before its commit record",
            "When this site has prepared the next transaction, the coordinator (Paris) is killed before it hears the vote: recovery must roll back.", "ErrorCircle"),
        (AgentRoutes.CrashCoordinatorAfterCommitRecord, "crash-coordinator-after", "Crash coordinator after its commit record",
            "When the next COMMIT PREPARED comes to this site, the coordinator (Paris) is killed first: it had decided, recovery must commit.", "CheckmarkCircle"),
    ];

    public static IResourceBuilder<T> WithFaultCommands<T>(this IResourceBuilder<T> agent, LabSite site, bool containers)
        where T : IResourceWithEndpoints
    {
        IEnumerable<(string, string, string, string, string)> commands = Commands;
        if (containers)
        {
            commands = commands.Append(Stop);
        }

        if (site.Role == SiteRole.Worker)
        {
            commands = commands.Concat(WorkerCommands);
        }

        foreach (var (path, name, label, description, icon) in commands)
        {
            agent.WithHttpCommand(path, label, commandName: name, commandOptions: new HttpCommandOptions
            {
                Description = description,
                IconName = icon,
            });
        }

        return agent;
    }
}
