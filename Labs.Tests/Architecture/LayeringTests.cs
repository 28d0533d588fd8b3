using System.Text.Json;

namespace MediAI.Labs.Tests.Architecture;

/// <summary>
/// The layering ARCHITECTURE.md states holds in the code: project references, the namespaces each
/// file uses, and which projects stay off the web stack (<see cref="LabLayering"/>). Each violation
/// names the file.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    [Fact]
    public void The_lab_follows_its_documented_layering()
    {
        var projects = LabProjects.Read();
        var graph = NamespaceCycleTests.LabGraph(projects);
        foreach (var project in projects.Projects)
        {
            output.WriteLine($"{project.Name} → {string.Join(", ", project.References)}{(project.Web ? " (web)" : "")}");
        }

        var violations = LabLayering.Rules.Check(projects.Projects, projects.Files, graph);
        Assert.True(violations.Count == 0, $"{violations.Count} dependencies against the layering:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void The_reading_finds_the_projects_and_the_edges_it_checks()
    {
        // A check that reads nothing passes: make sure it read the projects, their references and their namespaces.
        var projects = LabProjects.Read();
        Assert.Equal(LabLayering.Rules.Projects.Keys.Order(), projects.Projects.Select(p => p.Name).Order());
        Assert.Contains("Coordinator.Core", projects.Projects.Single(p => p.Name == "Checker").References);
        Assert.True(projects.Projects.Single(p => p.Name == "Coordinator.Api").Web);
        Assert.Contains(projects.Files, f => f.Project == "Checker" && f.Path.EndsWith("CheckCommand.cs", StringComparison.Ordinal));
        Assert.Contains(projects.Files, f => f.Project == "Coordinator.Core" && f.Path.EndsWith("LabChecker.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(projects.Files, f => f.Project == "Coordinator.Api" && f.Path.Contains("Core", StringComparison.Ordinal) && f.Path.EndsWith("LabChecker.cs", StringComparison.Ordinal));
        var graph = NamespaceCycleTests.LabGraph(projects);
        Assert.True(graph.DependsOn("MediAI.SiteAgents.Relay", "MediAI.SiteAgents.Protocol"));
        Assert.True(graph.DependsOn("MediAI.Coordinator.Checker", "MediAI.Coordinator.Core.Grading"));
        Assert.True(graph.DependsOn("MediAI.Coordinator.Classroom", "MediAI.Coordinator.Core.Grading"));
    }

    [Fact]
    public void The_checker_as_built_runs_on_the_base_runtime_alone_with_no_aspnet_assembly()
    {
        // What the build made of it, beside the tests: the runtime it asks for and every library it loads.
        var runtime = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Checker.runtimeconfig.json")));
        var options = runtime.RootElement.GetProperty("runtimeOptions");
        Assert.False(options.TryGetProperty("frameworks", out _), "the checker asks for more than one shared framework");
        Assert.Equal("Microsoft.NETCore.App", options.GetProperty("framework").GetProperty("name").GetString());

        var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Checker.deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();
        Assert.Contains(libraries, l => l.StartsWith("MediAI.Coordinator.Core/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.Contains("AspNetCore", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Coordinator.Api/", StringComparison.Ordinal));
    }

    /// <summary>A small made-up program: Protocol ← Relay inside "Agent", and "Core" ← "Api".</summary>
    private static readonly Layering Synthetic = new(
        Projects: new Dictionary<string, string[]> { ["Core"] = [], ["Api"] = ["Core"], ["Agent"] = [], ["Tool"] = ["Core"], ["Host"] = [] },
        Resources: new Dictionary<string, string[]> { ["Host"] = ["Api"] },
        Namespaces: new Dictionary<string, IReadOnlyDictionary<string, string[]>>
        {
            ["Agent"] = new Dictionary<string, string[]> { ["Agent.Protocol"] = [], ["Agent.Relay"] = ["Agent.Protocol"], ["Agent"] = [Layering.Anything] },
        },
        WebFree: ["Core", "Tool"],
        FrameworkNamespaces: []);

    private static readonly SourceFile[] RightWayFiles =
    [
        new("Core", "Core/Grading/Grader.cs", "namespace Core.Grading;\npublic sealed class Grader { }"),
        new("Api", "Api/Endpoints.cs", "using Core.Grading;\nnamespace Api;\npublic static class Endpoints { static Grader? _grader; }"),
        new("Agent", "Agent/Protocol/Frame.cs", "namespace Agent.Protocol;\npublic sealed class Frame { }"),
        new("Agent", "Agent/Relay/Pump.cs", "using Agent.Protocol;\nnamespace Agent.Relay;\npublic sealed class Pump { Frame? _frame; }"),
        new("Agent", "Agent/App.cs", "using Agent.Relay;\nnamespace Agent;\npublic static class App { static Pump? _pump; }"),
        // Top-level statements: each program's own global namespace.
        new("Api", "Api/Program.cs", "using Api;\nusing Core.Grading;\nEndpoints.ToString();\nGrader? grader = null;"),
        new("Host", "Host/AppHost.cs", "var started = \"api\";"),
    ];

    private static readonly LabProject[] RightWayProjects =
    [
        new("Core", "Core/Core.csproj", [], Web: false),
        new("Api", "Api/Api.csproj", ["Core"], Web: true),
        new("Agent", "Agent/Agent.csproj", [], Web: true),
        new("Tool", "Tool/Tool.csproj", ["Core"], Web: false),
        new("Host", "Host/Host.csproj", ["Api"], Web: false), // starts Api, as the AppHost starts the services
    ];

    private static IReadOnlyList<LayeringViolation> CheckSynthetic(IEnumerable<LabProject> projects, IEnumerable<SourceFile> files)
    {
        var fileList = files.ToList();
        return Synthetic.Check([.. projects], fileList, NamespaceGraph.Build(fileList));
    }

    [Fact]
    public void A_made_up_program_built_the_right_way_has_no_violation()
    {
        Assert.Empty(CheckSynthetic(RightWayProjects, RightWayFiles));
    }

    [Fact]
    public void One_wrong_way_use_inside_a_project_is_reported_with_its_file()
    {
        // Protocol now leans on Relay: the wrong way.
        SourceFile planted = new("Agent", "Agent/Protocol/Peek.cs", "using Agent.Relay;\nnamespace Agent.Protocol;\npublic sealed class Peek { Pump? _pump; }");
        var violation = Assert.Single(CheckSynthetic(RightWayProjects, [.. RightWayFiles, planted]));
        Assert.Equal("Agent/Protocol/Peek.cs", violation.Where);
        Assert.Contains("Agent.Protocol uses Agent.Relay", violation.What);
    }

    [Fact]
    public void One_wrong_way_use_across_projects_is_reported_with_its_file()
    {
        // The core now names the API's type.
        SourceFile planted = new("Core", "Core/Grading/Report.cs", "using Api;\nnamespace Core.Grading;\npublic sealed class Report { static void Map() => Endpoints.ToString(); }");
        var violation = Assert.Single(CheckSynthetic(RightWayProjects, [.. RightWayFiles, planted]));
        Assert.Equal("Core/Grading/Report.cs", violation.Where);
        Assert.Contains("Core.Grading uses Api of Api", violation.What);
    }

    [Fact]
    public void A_program_using_what_it_only_starts_is_reported_though_another_program_may_use_it()
    {
        // The host's top-level statements use the API's code; the API's own Program.cs (read first) does so rightly.
        SourceFile planted = new("Host", "Host/AppHost.cs", "using Api;\nEndpoints.ToString();");
        var violation = Assert.Single(CheckSynthetic(RightWayProjects, [.. RightWayFiles.Where(f => f.Path != planted.Path), planted]));
        Assert.Equal("Host/AppHost.cs", violation.Where);
        Assert.Contains("uses Api of Api", violation.What);
    }

    [Fact]
    public void A_wrong_way_reference_a_web_dependency_an_unplaced_namespace_and_a_shared_namespace_are_reported()
    {
        LabProject[] projects =
        [
            new("Core", "Core/Core.csproj", ["Api"], Web: false), // core → API: wrong way, and it brings the web stack
            RightWayProjects[1], RightWayProjects[2], RightWayProjects[3],
        ];
        SourceFile[] files =
        [
            .. RightWayFiles,
            new("Agent", "Agent/Tracing/Span.cs", "namespace Agent.Tracing;\npublic sealed class Span { }"),
            new("Tool", "Tool/Grading/Extra.cs", "namespace Core.Grading;\npublic sealed class Extra { }"),
        ];

        var violations = CheckSynthetic(projects, files).Select(v => $"{v.Where}: {v.What}").ToList();
        Assert.Contains("Core/Core.csproj: Core references Api", violations);
        Assert.Contains("Core/Core.csproj: Core stands on the web stack (Core → Api)", violations);
        Assert.Contains("Tool/Tool.csproj: Tool stands on the web stack (Tool → Core → Api)", violations);
        Assert.Contains("Agent/Tracing/Span.cs: namespace Agent.Tracing has no place in Agent's layering", violations);
        Assert.Contains(violations, v => v.Contains("namespace Core.Grading is declared in 2 projects", StringComparison.Ordinal));
        Assert.Equal(5, violations.Count);
    }
}
