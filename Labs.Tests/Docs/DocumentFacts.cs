using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Docs;

/// <summary>
/// What the documents may cite, read from the code and the repository itself: the lab's options
/// (the properties of the classes bound to section Lab), the dashboard's commands and resources,
/// the ports the code gives, the checker's commands and options, the files.
/// </summary>
public sealed partial record DocumentFacts(
    string Root,
    IReadOnlySet<string> Options,
    IReadOnlySet<string> Commands,
    IReadOnlySet<string> Resources,
    IReadOnlySet<string> Ports,
    IReadOnlyDictionary<string, IReadOnlySet<string>> CliOptions)
{
    /// <summary>The Checker's subcommands and options; the API's verbs (Coordinator.Api/Program.cs) and their options.</summary>
    public const string CheckerProject = "Coordinator.Api/Checker";
    public const string ApiProject = "Coordinator.Api";

    public static DocumentFacts FromRepository()
    {
        var root = Installations.RepositoryRoot;
        string Code(string folder) => string.Join('\n', Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var appHost = Code("AppHost");

        // Options: the configuration binder matches names without regard to case.
        var options = new[] { typeof(MediAI.AppHost.Setup.LabOptions), typeof(MediAI.Lab.CoordinatorOptions) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.CanWrite)
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Commands: the API's and the jobs' (WithHttpCommand/WithJobCommand), the agents' (their table), Aspire's own.
        var commands = HttpCommand().Matches(appHost).Concat(AgentCommand().Matches(appHost))
            .Select(m => m.Groups["name"].Value)
            .Concat(["Start", "Stop", "Restart"])
            .ToHashSet(StringComparer.Ordinal);

        // Resources: every name the AppHost gives in a literal, and the agents and nodes of every site.
        var resources = ResourceLiteral().Matches(appHost).Select(m => m.Groups["name"].Value)
            .Concat(LabSites.Running(withSpare: true).SelectMany(s => new[] { s.Name, s.AgentName }))
            .ToHashSet(StringComparer.Ordinal);

        // Ports: numbers the code or the launch settings give.
        var settings = string.Join('\n', Directory.EnumerateFiles(root, "launchSettings.json", SearchOption.AllDirectories).Select(File.ReadAllText));
        var ports = PortLiteral().Matches(appHost + Code("ServiceDefaults") + Code("Coordinator.Api") + settings)
            .Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        var cli = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var checker = MediAI.Coordinator.Checker.CheckCommand.Root();
        cli[""] = Names(checker);
        foreach (var sub in checker.Subcommands)
        {
            cli[sub.Name] = Names(sub);
        }

        // The API's verbs take hand-read arguments: the literals of its external commands.
        var api = Code("Coordinator.Api/External") + File.ReadAllText(Path.Combine(root, "Coordinator.Api", "Program.cs"));
        cli["api:verbs"] = ApiVerb().Matches(api).Select(m => m.Groups["verb"].Value).ToHashSet(StringComparer.Ordinal);
        cli["api:options"] = OptionLiteral().Matches(api).Select(m => m.Value.Trim('"')).ToHashSet(StringComparer.Ordinal);

        return new DocumentFacts(root, options, commands, resources, ports, cli);
    }

    private static HashSet<string> Names(Command command) =>
        command.Options.SelectMany(o => o.Aliases.Append(o.Name)).Concat(["--help", "-h", "-?"]).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"With(?:Http|Job)Command\(\s*""[^""]*"",\s*""(?<name>[^""]+)""")]
    private static partial Regex HttpCommand();

    [GeneratedRegex(@"\(AgentRoutes\.\w+,\s*""[^""]+"",\s*""(?<name>[^""]+)""")]
    private static partial Regex AgentCommand();

    [GeneratedRegex(@"\(""(?<name>[a-z]+(?:-[a-z]+)+)""")]
    private static partial Regex ResourceLiteral();

    [GeneratedRegex(@"(?<![\d.])\d{4,5}(?![\d.])")]
    private static partial Regex PortLiteral();

    [GeneratedRegex("""^\s*"(?<verb>[a-z-]+)"\s*=>""", RegexOptions.Multiline)]
    private static partial Regex ApiVerb();

    [GeneratedRegex("\"--[a-z][a-z-]*\"")]
    private static partial Regex OptionLiteral();
}
