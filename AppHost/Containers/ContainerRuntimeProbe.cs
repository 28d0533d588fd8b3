namespace MediAI.AppHost.Containers;

/// <summary>What the machine has for container mode.</summary>
public enum EngineState { Running, NotRunning, NotInstalled }

/// <summary>
/// Is a container engine running right now? The docker CLI alone is not enough (it exists on
/// machines with no daemon, and Docker Desktop may simply not be started), so ask the engine
/// itself, briefly.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static EngineState Check()
    {
        var info = DockerCli.Run(TimeSpan.FromSeconds(10), "info", "--format", "{{.ServerVersion}}");
        if (info.Ok && info.Output.Length > 0)
        {
            return EngineState.Running;
        }

        return info.ExitCode == -1 && info.Error.Contains("not installed", StringComparison.Ordinal)
            ? EngineState.NotInstalled
            : EngineState.NotRunning;
    }

    /// <summary>What to do when the engine is installed but not answering.</summary>
    public static string EngineNotRunning =>
        $"{DockerCli.Runtime} is installed but its engine is not running. Start Docker Desktop (or 'sudo systemctl start docker' " +
        "on Linux) and wait until it says the engine is running, then run the lab again.";

    /// <summary>The other way, where PostgreSQL's server programs are installed.</summary>
    public const string OrLocalMode = "Or run the nodes as local PostgreSQL processes: dotnet run --project AppHost -- --Lab:Mode=local";
}
