using System.Xml.Linq;
using MediAI.Labs.Tests.Infrastructure;

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
public sealed class LabProjects
{
    public required IReadOnlyList<LabProject> Projects { get; init; }
    public required IReadOnlyList<SourceFile> Files { get; init; }

    /// <summary>Namespaces each project imports everywhere (the csproj's &lt;Using Include&gt;).</summary>
    public required IReadOnlyDictionary<string, string[]> ProjectUsings { get; init; }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj");

    public static LabProjects Read()
    {
        var root = LabCheck.Repository;
        var csprojs = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path))
            .Where(path => !IsBuildOutput(path) && !path.StartsWith("Labs.Tests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        var projects = new List<LabProject>();
        var usings = new Dictionary<string, string[]>();
        foreach (var csproj in csprojs)
        {
            var xml = XDocument.Load(Path.Combine(root, csproj));
            string? Include(XElement e) => (string?)e.Attribute("Include");
            var name = Path.GetFileNameWithoutExtension(csproj);
            var references = xml.Descendants("ProjectReference").Select(Include).OfType<string>()
                .Select(path => Path.GetFileNameWithoutExtension(path.Replace('\\', '/')))
                .ToList();
            var sdks = ((string?)xml.Root?.Attribute("Sdk") ?? "").Split(';')
                .Concat(xml.Descendants("Sdk").Select(e => (string?)e.Attribute("Name") ?? ""));
            var web = sdks.Any(sdk => sdk.Split('/')[0].Trim() == "Microsoft.NET.Sdk.Web")
                || xml.Descendants("FrameworkReference").Any(e => Include(e) == "Microsoft.AspNetCore.App");
            projects.Add(new LabProject(name, csproj, references, web));
            // Project-wide usings; an alias or a static using makes no namespace's names visible.
            usings[name] = [.. xml.Descendants("Using").Where(e => e.Attribute("Alias") is null && e.Attribute("Static") is null).Select(Include).OfType<string>()];
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
}
