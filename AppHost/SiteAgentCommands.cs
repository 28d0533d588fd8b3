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
    ];

    public static IResourceBuilder<T> WithFaultCommands<T>(this IResourceBuilder<T> agent)
        where T : IResourceWithEndpoints
    {
        foreach (var (path, name, label, description, icon) in Commands)
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
