namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// Tests that start the whole lab (DCP, agents, API, nodes) run one at a time: the container
/// names are unique on the engine, and each test checks that stopping its lab left no process.
/// </summary>
public static class LabProcesses
{
    public const string Collection = "whole lab, one at a time";

    /// <summary>Command-line marks of the lab's own processes (agents, API, bootstrap, DCP).</summary>
    private static readonly string[] Marks = ["SiteAgents.dll", "Coordinator.Api.dll", "/dcp ", "/dcpctrl "];

    /// <summary>The lab's processes running now (none between tests).</summary>
    public static IReadOnlyList<int> Running() => Marks.SelectMany(ServerProcesses.WithArgument).Distinct().ToList();
}
