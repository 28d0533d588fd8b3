namespace MediAI.SiteAgents;

/// <summary>Which site this agent serves ("Site:Name", set by the AppHost).</summary>
public sealed class SiteOptions
{
    public string Name { get; set; } = "";
}
