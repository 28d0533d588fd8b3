namespace MediAI.Labs.Tests.Architecture;

/// <summary>
/// No two namespaces of the lab's programs depend on each other, directly or around a loop: each
/// namespace is a room that can be read, changed and tested knowing only the rooms it uses.
/// Parent and child namespaces are no exception (C# lets a child name its parent's types with no
/// <c>using</c>: that is still a dependency).
/// </summary>
public sealed class NamespaceCycleTests(ITestOutputHelper output)
{
    /// <summary>The lab programs' namespaces, each file read in the project it builds in.</summary>
    public static NamespaceGraph LabGraph(LabProjects projects) => NamespaceGraph.Build(projects.Files, projects.ProjectUsings);

    private static NamespaceGraph LabGraph() => LabGraph(LabProjects.Read());

    [Fact]
    public void The_lab_programs_namespaces_have_no_cycles()
    {
        var graph = LabGraph();
        foreach (var dependency in graph.Dependencies)
        {
            output.WriteLine(dependency.ToString());
        }

        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0,
            $"{cycles.Count} namespace cycle(s); each line is a dependency and where it comes from:\n" +
            string.Join("\n", cycles.Select(c => $"{c}\n  all dependencies inside it:\n{string.Join("\n", c.Inside.Select(d => $"    {d}"))}")));
    }

    [Fact]
    public void The_graph_sees_the_dependencies_it_must()
    {
        // An empty graph has no cycles either: make sure the reading found the projects' edges.
        var graph = LabGraph();
        Assert.True(graph.DependsOn("MediAI.SiteAgents", "MediAI.SiteAgents.Gateway"));
        Assert.True(graph.DependsOn("MediAI.SiteAgents.Gateway", "MediAI.SiteAgents.Protocol"));
        Assert.True(graph.DependsOn("MediAI.SiteAgents.Gateway", "MediAI.Lab"));
        Assert.True(graph.DependsOn("MediAI.Coordinator", "MediAI.Coordinator.Cluster"));
        Assert.Contains("MediAI.AppHost.Nodes", graph.Namespaces);
    }

    [Fact]
    public void Cycles_through_an_enclosing_namespace_or_a_qualified_name_are_found_and_comments_and_strings_are_no_references()
    {
        var graph = NamespaceGraph.Build(
        [
            new("P", "App.cs", "using Shop.Api;\nnamespace Shop;\npublic static class App { }\npublic sealed class Probe { public const string Name = \"p\"; }"),
            // Probe is found in the enclosing namespace Shop, with no using.
            new("P", "Api/Endpoints.cs", "namespace Shop.Api;\npublic static class Endpoints { static void Map(Probe probe) { } }"),
            // Faults.Down is found relative to the enclosing namespace Shop.
            new("P", "Relay/Pump.cs", "namespace Shop.Relay;\npublic sealed class Pump { Faults.Down? _down; }"),
            new("P", "Faults/Down.cs", "using Shop.Relay;\nnamespace Shop.Faults;\npublic sealed class Down { }"),
            new("P", "Tracing/Tracer.cs",
                "namespace Shop.Tracing;\n// Endpoints, Pump, Shop.Relay.Pump\n/* Down */\npublic sealed class Tracer\n{\n" +
                "    char _quote = '\"';\n    string _text = \"Endpoints Shop.Faults.Down\";\n    string _hole = $\"{Probe.Name} Pump {{Down}}\";\n" +
                "    string _raw = \"\"\"\n      Shop.Api.Endpoints \"quoted\"\n      \"\"\";\n}"),
        ]);

        var cycles = graph.Cycles().Select(c => c.Namespaces).OrderBy(c => c[0]).ToList();
        Assert.Equal([["Shop", "Shop.Api"], ["Shop.Faults", "Shop.Relay"]], cycles);
        Assert.Equal(["Shop"], graph.DependenciesOf("Shop.Tracing")); // only the code in the interpolation hole
    }
}
