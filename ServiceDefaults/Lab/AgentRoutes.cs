namespace MediAI.Lab;

/// <summary>
/// A site agent's HTTP routes, spelled once: the agent maps them (SiteAgents/Api), the AppHost's
/// dashboard commands and the tests call them. Toxiproxy's nouns: the agent is one proxy, its
/// faults are toxics; presets are the dashboard's one-click faults.
/// </summary>
public static class AgentRoutes
{
    public const string Status = "/status";
    public const string Toxics = "/toxics";
    public const string Reset = "/reset";

    /// <summary>Paris's agent: GET /statements/{pid}?at=… → the span a client statement's node parts join.</summary>
    public const string Statements = "/statements";

    public const string Presets = "/presets";
    public const string Down = Presets + "/down";
    public const string Restore = Presets + "/restore";
    public const string WanOn = Presets + "/wan-on";
    public const string WanOff = Presets + "/wan-off";
    public const string FailPrepare = Presets + "/fail-prepare";
    public const string DropAfterPrepare = Presets + "/drop-after-prepare";
    public const string DropBeforeCommitPrepared = Presets + "/drop-before-commit-prepared";
}
