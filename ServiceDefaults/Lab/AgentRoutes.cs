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

    /// <summary>The agent's own node: POST kill (crash), stop (clean), start (and wait until it answers).</summary>
    public const string NodeKill = "/node/kill";
    public const string NodeStop = "/node/stop";
    public const string NodeStart = "/node/start";

    public const string Presets = "/presets";
    public const string Down = Presets + "/down";
    public const string Restore = Presets + "/restore";
    public const string WanOn = Presets + "/wan-on";
    public const string WanOff = Presets + "/wan-off";
    public const string FailPrepare = Presets + "/fail-prepare";
    public const string DropAfterPrepare = Presets + "/drop-after-prepare";
    public const string DropBeforeCommitPrepared = Presets + "/drop-before-commit-prepared";
    public const string HoldCommitPrepared = Presets + "/hold-commit-prepared";
    public const string HoldPrepare = Presets + "/hold-prepare";
    public const string CrashCoordinatorBeforeCommitRecord = Presets + "/crash-coordinator-before-commit-record";
    public const string CrashCoordinatorAfterCommitRecord = Presets + "/crash-coordinator-after-commit-record";
}
