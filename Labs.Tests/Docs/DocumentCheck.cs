using System.Text.RegularExpressions;

namespace MediAI.Labs.Tests.Docs;

/// <summary>
/// Reads one document line by line and names, as "file:line: what", every citation the lab no
/// longer backs: an option, a dashboard command, a resource, a repository path, a link or its
/// heading, a port, a checker command or option. What it cannot tell (a placeholder such as
/// &lt;your login&gt;, an address elsewhere) it leaves alone.
/// </summary>
public static partial class DocumentCheck
{
    /// <summary>The documents students and professors read (the repository's front page, the guides, the exercises).</summary>
    public static IEnumerable<string> Documents(string root) =>
        new[] { "README.md", "solutions/README.md" }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.GetRelativePath(root, f)))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "exercises"), "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".sql", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(root, f)))
            .Select(f => f.Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static readonly string[] TopFolders =
        ["AppHost", "ServiceDefaults", "Coordinator.Api", "SiteAgents", "Labs.Tests", "data", "exercises", "solutions", "scripts", "docs", ".ci"];

    public static IEnumerable<string> Problems(string document, string text, DocumentFacts facts)
    {
        var lines = text.Split('\n');
        var headings = Headings(lines);
        var inCommandTable = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var at = $"{document}:{i + 1}";
            foreach (Match option in LabOption().Matches(line))
            {
                if (!facts.Options.Contains(option.Groups["name"].Value))
                {
                    yield return $"{at}: --Lab:{option.Groups["name"].Value} is no option of the lab (AppHost/Setup/LabOptions.cs, ServiceDefaults/Lab/CoordinatorOptions.cs)";
                }
            }

            foreach (Match command in MenuCommand().Matches(line))
            {
                if (!facts.Commands.Contains(command.Groups["name"].Value.Trim()))
                {
                    yield return $"{at}: \"{command.Groups["name"].Value.Trim()}\" is no dashboard command (AppHost/*Commands.cs)";
                }
            }

            // The table of an agent's commands: | command | what happens |, one or two names per row.
            if (line.StartsWith("| command |", StringComparison.Ordinal))
            {
                inCommandTable = true;
            }
            else if (!line.StartsWith('|'))
            {
                inCommandTable = false;
            }
            else if (inCommandTable && !line.StartsWith("|---", StringComparison.Ordinal))
            {
                foreach (var name in line.Split('|')[1].Split(" / ").Select(n => n.Trim()))
                {
                    if (!facts.Commands.Contains(name))
                    {
                        yield return $"{at}: \"{name}\" is no dashboard command (AppHost/*Commands.cs)";
                    }
                }
            }

            foreach (Match code in InlineCode().Matches(line))
            {
                var token = code.Groups["code"].Value;
                if (ResourceName().IsMatch(token) && !facts.Resources.Contains(token))
                {
                    yield return $"{at}: `{token}` is no resource of the lab (AppHost)";
                }

                if (RepositoryPath(token) is { } path && !Exists(facts.Root, path))
                {
                    yield return $"{at}: `{token}` names no file or folder of the repository";
                }
            }

            foreach (Match link in Link().Matches(line))
            {
                if (LinkProblem(document, link.Groups["target"].Value, facts.Root, headings) is { } problem)
                {
                    yield return $"{at}: {problem}";
                }
            }

            foreach (Match port in LocalPort().Matches(line))
            {
                if (!facts.Ports.Contains(port.Groups["port"].Value))
                {
                    yield return $"{at}: port {port.Groups["port"].Value} is given nowhere in the code (AppHost, the services, their launch settings)";
                }
            }

            foreach (Match run in DotnetRun().Matches(line))
            {
                foreach (var problem in RunProblems(run.Groups["project"].Value, run.Groups["args"].Value, facts))
                {
                    yield return $"{at}: {problem}";
                }
            }
        }
    }

    /// <summary>Images in docs/ that no document shows.</summary>
    public static IEnumerable<string> UnreferencedImages(string root, IEnumerable<string> texts)
    {
        var all = string.Join('\n', texts);
        return Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.png")
            .Select(Path.GetFileName)
            .Where(name => !all.Contains(name!, StringComparison.Ordinal))
            .Select(name => $"docs/{name} is shown by no document: show it in a guide, or delete it")!;
    }

    private static IEnumerable<string> RunProblems(string project, string args, DocumentFacts facts)
    {
        project = project.TrimEnd('/');
        if (!File.Exists(Path.Combine(facts.Root, project, $"{Path.GetFileName(project)}.csproj")))
        {
            yield return $"dotnet run --project {project}: no such project";
            yield break;
        }

        var tokens = args.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(t => t != "#" && !t.StartsWith('`')).ToList();
        if (project == DocumentFacts.CheckerProject)
        {
            var sub = tokens.FirstOrDefault(t => !t.StartsWith('-')) is { } first && facts.CliOptions.ContainsKey(first) ? first : "";
            foreach (var option in tokens.Where(t => t.StartsWith("--", StringComparison.Ordinal)).Select(t => t.Split('=')[0]))
            {
                if (!facts.CliOptions[sub].Contains(option))
                {
                    yield return $"the checker{(sub.Length > 0 ? " " + sub : "")} has no option {option} (Coordinator.Api/Checker)";
                }
            }
        }
        else if (project == DocumentFacts.ApiProject && tokens.Count > 0 && !tokens[0].StartsWith('-'))
        {
            if (!facts.CliOptions["api:verbs"].Contains(tokens[0]))
            {
                yield return $"Coordinator.Api has no command {tokens[0]} (Coordinator.Api/Program.cs)";
            }

            foreach (var option in tokens.Skip(1).Where(t => t.StartsWith("--", StringComparison.Ordinal) && !t.Contains(':', StringComparison.Ordinal)))
            {
                if (!facts.CliOptions["api:options"].Contains(option.Split('=')[0]))
                {
                    yield return $"Coordinator.Api {tokens[0]} has no option {option} (Coordinator.Api/External)";
                }
            }
        }
    }

    /// <summary>A token that names a repository path: it starts with one of the top folders (or is a top-level file that exists elsewhere).</summary>
    private static string? RepositoryPath(string token)
    {
        if (token.Contains(' ', StringComparison.Ordinal) || token.Contains('<', StringComparison.Ordinal) || token.Contains('…', StringComparison.Ordinal))
        {
            return null;
        }

        return TopFolders.Any(f => token.StartsWith(f + "/", StringComparison.Ordinal)) ? token : null;
    }

    private static bool Exists(string root, string path)
    {
        if (path.Contains('*', StringComparison.Ordinal))
        {
            var folder = Path.Combine(root, Path.GetDirectoryName(path)!);
            return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder, Path.GetFileName(path)).Any();
        }

        var full = Path.Combine(root, path.Split(':')[0]);
        return File.Exists(full) || Directory.Exists(full);
    }

    private static string? LinkProblem(string document, string target, string root, IReadOnlySet<string> headings)
    {
        if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
        {
            return null;
        }

        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var file = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var folder = Path.GetDirectoryName(document) ?? "";
        var full = file.Length == 0 ? Path.Combine(root, document) : Path.GetFullPath(Path.Combine(root, folder, file));
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            return $"the link to {target} leads nowhere";
        }

        if (anchor is not null && full.EndsWith(".md", StringComparison.Ordinal))
        {
            var there = file.Length == 0 ? headings : Headings(File.ReadAllLines(full));
            if (!there.Contains(anchor))
            {
                return $"the link to {target}: {Path.GetFileName(full)} has no heading #{anchor}";
            }
        }

        return null;
    }

    /// <summary>GitHub's anchors of a document's headings: lower case, punctuation gone, spaces as dashes.</summary>
    public static IReadOnlySet<string> Headings(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith('#') && l.TrimStart('#').StartsWith(' '))
            .Select(l => Slug(l.TrimStart('#').Trim()))
            .ToHashSet(StringComparer.Ordinal);

    public static string Slug(string heading) =>
        NotInSlug().Replace(heading.ToLowerInvariant().Replace("`", "", StringComparison.Ordinal), "").Replace(' ', '-');

    [GeneratedRegex(@"--Lab:(?<name>[A-Za-z]+)")]
    private static partial Regex LabOption();

    [GeneratedRegex(@"⋯\s*→\s*(?:Commands\s*→\s*)?\*{1,2}(?<name>[^*]+)\*{1,2}")]
    private static partial Regex MenuCommand();

    [GeneratedRegex("`(?<code>[^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^(agent-[a-z]+|[a-z]+-(api|bootstrap|progress|image))$")]
    private static partial Regex ResourceName();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"localhost:(?<port>\d{2,5})")]
    private static partial Regex LocalPort();

    [GeneratedRegex(@"dotnet run --project (?<project>[A-Za-z./]+)(?: -- (?<args>[^`|]*))?")]
    private static partial Regex DotnetRun();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex NotInSlug();
}
