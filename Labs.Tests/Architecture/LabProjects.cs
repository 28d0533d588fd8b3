using System.Text.RegularExpressions;

namespace MediAI.Labs.Tests.Architecture;

/// <summary>A project of the lab, as its .csproj says: its name, what it references, and whether it stands on the web stack.</summary>
/// <param name="Path">The .csproj, relative to the repository.</param>
/// <param name="References">The projects it references (ProjectReference), by name.</param>
/// <param name="Web">Its SDK is the web SDK, or it references ASP.NET's shared framework.</param>
public sealed record LabProject(string Name, string Path, IReadOnlyList<string> References, bool Web);

/// <summary>
/// The lab's projects read from the repository: every .csproj but the tests', each source file
/// given to the project it builds in — the innermost project folder holding it, as the build
/// decides (a project nested in another's folder is not the outer one's, Directory.Build.props).
/// </summary>
public sealed partial class LabProjects
{
    public required IReadOnlyList<LabProject> Projects { get; init; }
    public required IReadOnlyList<SourceFile> Files { get; init; }

    /// <summary>Namespaces each project imports everywhere (the csproj's &lt;Using Include&gt;).</summary>
    public required IReadOnlyDictionary<string, string[]> ProjectUsings { get; init; }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Aspire.sln) above " + AppContext.BaseDirectory);
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj");

    public static LabProjects Read()
    {
        var root = RepositoryRoot();
        var csprojs = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path))
            .Where(path => !IsBuildOutput(path) && !path.StartsWith("Labs.Tests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        var projects = new List<LabProject>();
        var usings = new Dictionary<string, string[]>();
        foreach (var csproj in csprojs)
        {
            var text = File.ReadAllText(Path.Combine(root, csproj));
            var name = Path.GetFileNameWithoutExtension(csproj);
            var references = ProjectReference().Matches(text)
                .Select(m => Path.GetFileNameWithoutExtension(m.Groups["path"].Value.Replace('\\', '/')))
                .ToList();
            var web = WebSdk().IsMatch(text) || AspNetFramework().IsMatch(text);
            projects.Add(new LabProject(name, csproj, references, web));
            usings[name] = [.. ProjectUsing().Matches(text).Select(m => m.Groups["ns"].Value)];
        }

        // Innermost first: a file belongs to the deepest project folder above it.
        var folders = projects
            .Select(p => (Project: p.Name, Folder: Path.GetDirectoryName(p.Path)! + Path.DirectorySeparatorChar))
            .OrderByDescending(p => p.Folder.Length)
            .ToList();
        var files = new List<SourceFile>();
        foreach (var (project, folder) in folders)
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(root, path))
                .Where(path => !IsBuildOutput(path)))
            {
                if (folders.First(f => path.StartsWith(f.Folder, StringComparison.Ordinal)).Project == project)
                {
                    files.Add(new SourceFile(project, path, File.ReadAllText(Path.Combine(root, path))));
                }
            }
        }

        return new LabProjects { Projects = projects, Files = files, ProjectUsings = usings };
    }

    [GeneratedRegex(@"<ProjectReference\s+Include=""(?<path>[^""]+)""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"<Project\s+Sdk=""Microsoft\.NET\.Sdk\.Web""")]
    private static partial Regex WebSdk();

    [GeneratedRegex(@"<FrameworkReference\s+Include=""Microsoft\.AspNetCore\.App""")]
    private static partial Regex AspNetFramework();

    [GeneratedRegex(@"<Using\s+Include=""(?<ns>[\w.]+)""\s*/>")]
    private static partial Regex ProjectUsing();
}
