namespace MediAI.Labs.Tests.Architecture;

/// <summary>One place where the code goes against the layering: what it does, where, and the rule it breaks.</summary>
public sealed record LayeringViolation(string Where, string What, string Rule)
{
    public override string ToString() => $"{Where}: {What} — {Rule}";
}

/// <summary>
/// A layering, as data: the projects each project may depend on (reference, or use the namespaces
/// of), the projects that must not stand on the web stack, and inside some projects the namespaces
/// each of their namespaces may use. What is not allowed is a violation, and so is a project or a
/// namespace the layering does not place: a new one has to be given its place on purpose.
/// </summary>
/// <param name="Projects">Project → the other projects it may depend on: reference, and use in its code.</param>
/// <param name="Resources">Project → projects it may reference only to start them (the AppHost's project resources), never use in its code.</param>
/// <param name="Namespaces">Project → (its namespace → the namespaces of that project it may use; <see cref="Anything"/> for the one that wires them all).</param>
/// <param name="WebFree">Projects with no ASP.NET anywhere below them.</param>
/// <param name="FrameworkNamespaces">
/// Namespaces the framework owns that a project adds to (ServiceDefaults' extension methods live in
/// Microsoft.Extensions.Hosting, Aspire's convention): a using of one is no dependency on that project.
/// </param>
public sealed record Layering(
    IReadOnlyDictionary<string, string[]> Projects,
    IReadOnlyDictionary<string, string[]> Resources,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> Namespaces,
    IReadOnlyList<string> WebFree,
    IReadOnlyList<string> FrameworkNamespaces)
{
    /// <summary>Allows a namespace to use every namespace of its project (the program's root, which wires the rest).</summary>
    public const string Anything = "*";

    public IReadOnlyList<LayeringViolation> Check(IReadOnlyList<LabProject> projects, IReadOnlyList<SourceFile> files, NamespaceGraph graph)
    {
        var violations = new List<LayeringViolation>();
        var byName = projects.ToDictionary(p => p.Name);
        const string Fix = "change the code, or the layering in ARCHITECTURE.md and Labs.Tests/Architecture/LabLayering.cs together";

        foreach (var project in projects)
        {
            if (!Projects.ContainsKey(project.Name))
            {
                violations.Add(new(project.Path, $"project {project.Name} has no place in the layering", Fix));
                continue;
            }

            foreach (var reference in project.References.Where(r => !MayDependOn(project.Name, r) && !Starts(project.Name, r)))
            {
                violations.Add(new(project.Path, $"{project.Name} references {reference}", $"{project.Name} may depend on {Listed(project.Name)}; {Fix}"));
            }
        }

        foreach (var name in WebFree.Where(byName.ContainsKey))
        {
            if (WebPath(name, byName, []) is { } path)
            {
                violations.Add(new(byName[name].Path, $"{name} stands on the web stack ({string.Join(" → ", path)})", $"{name} must not depend on ASP.NET; {Fix}"));
            }
        }

        // Which project a namespace is declared in: one, or the layering cannot be read from namespaces.
        var fileProject = files.ToDictionary(f => f.Path, f => f.Project);
        var declaredIn = files
            .Select(f => (f.Project, Namespace: NamespaceGraph.NamespaceOf(f)))
            .Where(d => !NamespaceGraph.IsGlobal(d.Namespace) && !FrameworkNamespaces.Contains(d.Namespace))
            .Distinct()
            .GroupBy(d => d.Namespace, d => d.Project)
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (ns, where) in declaredIn.Where(d => d.Value.Count > 1))
        {
            violations.Add(new(string.Join(", ", where), $"namespace {ns} is declared in {where.Count} projects", "each project has namespaces of its own, so that a using says which project it leans on"));
        }

        foreach (var (project, rules) in Namespaces)
        {
            foreach (var ns in declaredIn.Where(d => d.Value.Contains(project)).Select(d => d.Key).Where(ns => !rules.ContainsKey(ns)))
            {
                var file = files.First(f => f.Project == project && NamespaceGraph.NamespaceOf(f) == ns).Path;
                violations.Add(new(file, $"namespace {ns} has no place in {project}'s layering", Fix));
            }
        }

        foreach (var dependency in graph.Dependencies)
        {
            if (!fileProject.TryGetValue(dependency.File, out var from) || !declaredIn.TryGetValue(dependency.To, out var targets) || targets.Count != 1)
            {
                continue;
            }

            var to = targets[0];
            if (from != to)
            {
                if (!MayDependOn(from, to))
                {
                    violations.Add(new(dependency.File, $"{dependency.From} uses {dependency.To} of {to} ({dependency.Because})", $"{from} may depend on {Listed(from)}; {Fix}"));
                }
            }
            else if (Namespaces.TryGetValue(from, out var rules)
                && !NamespaceGraph.IsGlobal(dependency.From)
                && rules.TryGetValue(dependency.From, out var allowed)
                && !allowed.Contains(Anything)
                && !allowed.Contains(dependency.To))
            {
                violations.Add(new(dependency.File, $"{dependency.From} uses {dependency.To} ({dependency.Because})",
                    $"in {from}, {dependency.From} may use {(allowed.Length == 0 ? "none of its other namespaces" : string.Join(", ", allowed))}; {Fix}"));
            }
        }

        return violations;
    }

    private bool MayDependOn(string from, string to) => from == to || (Projects.TryGetValue(from, out var allowed) && allowed.Contains(to));

    private bool Starts(string from, string to) => Resources.TryGetValue(from, out var started) && started.Contains(to);

    private string Listed(string project) => Projects[project] is { Length: > 0 } allowed ? string.Join(", ", allowed) : "no other project";

    /// <summary>A way from <paramref name="name"/> down its references to a project on the web stack, or null.</summary>
    private static List<string>? WebPath(string name, Dictionary<string, LabProject> byName, HashSet<string> seen)
    {
        if (!byName.TryGetValue(name, out var project) || !seen.Add(name))
        {
            return null;
        }

        if (project.Web)
        {
            return [name];
        }

        foreach (var reference in project.References)
        {
            if (WebPath(reference, byName, seen) is { } path)
            {
                return [name, .. path];
            }
        }

        return null;
    }
}
