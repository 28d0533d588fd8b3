using System.Text.RegularExpressions;

namespace MediAI.Labs.Tests.Architecture;

/// <summary>A C# file of one of the lab's projects.</summary>
public sealed record SourceFile(string Project, string Path, string Text);

/// <summary>Namespace <see cref="From"/> depends on <see cref="To"/>: the first place seen, and why.</summary>
public sealed record Dependency(string From, string To, string File, string Because)
{
    public override string ToString() => $"{From} → {To} ({File}: {Because})";
}

/// <summary>Namespaces that depend on each other around a loop.</summary>
/// <param name="Namespaces">The strongly connected component.</param>
/// <param name="Path">One loop through it, from its first namespace back to it.</param>
/// <param name="Inside">Every dependency between two of its namespaces: breaking the cycle means removing some of these.</param>
public sealed record NamespaceCycle(IReadOnlyList<string> Namespaces, IReadOnlyList<Dependency> Path, IReadOnlyList<Dependency> Inside)
{
    public override string ToString() =>
        $"{string.Join(" ⇄ ", Namespaces)}, e.g.\n{string.Join("\n", Path.Select(d => $"  {d}"))}";
}

/// <summary>
/// Which namespace depends on which, read from the source text (no compiler): <c>using</c>
/// directives, qualified names (<c>Protocol.Flow</c>, <c>MediAI.SiteAgents.Faults.Down</c>), and
/// simple type names that need no <c>using</c> because C# finds them in an enclosing namespace
/// (a file in MediAI.SiteAgents.Api naming NodeProbe of MediAI.SiteAgents). Pragmatic, not exact:
/// it can see an edge that the compiler would not (an unused <c>using</c> counts), which is the
/// safe side for a test that forbids cycles.
/// </summary>
public sealed partial class NamespaceGraph
{
    /// <summary>Where top-level statements and types without a namespace live: one per project (<see cref="GlobalOf"/>).</summary>
    public const string GlobalNamespace = "(global namespace)";

    /// <summary>
    /// A project's global namespace. Each program's top-level statements (Program.cs, AppHost.cs) are
    /// a node of their own: one node for all of them would keep only the first program's use of a
    /// namespace, and hide another program's use of it.
    /// </summary>
    public static string GlobalOf(string project) => $"{GlobalNamespace} of {project}";

    public static bool IsGlobal(string ns) => ns.StartsWith(GlobalNamespace, StringComparison.Ordinal);

    private readonly SortedDictionary<string, SortedDictionary<string, Dependency>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(IEnumerable<string> namespaces)
    {
        foreach (var name in namespaces)
        {
            _edges[name] = new SortedDictionary<string, Dependency>(StringComparer.Ordinal);
        }
    }

    public IEnumerable<string> Namespaces => _edges.Keys;

    public IEnumerable<Dependency> Dependencies => _edges.Values.SelectMany(e => e.Values);

    public IEnumerable<string> DependenciesOf(string from) => _edges.TryGetValue(from, out var to) ? to.Keys : [];

    public bool DependsOn(string from, string to) => _edges.TryGetValue(from, out var edges) && edges.ContainsKey(to);

    /// <param name="files">The projects' sources.</param>
    /// <param name="projectUsings">Namespaces each project imports everywhere (the csproj's &lt;Using Include&gt;).</param>
    public static NamespaceGraph Build(IEnumerable<SourceFile> files, IReadOnlyDictionary<string, string[]>? projectUsings = null)
    {
        var parsed = files.Select(Parse).ToList();
        var graph = new NamespaceGraph(parsed.Select(f => f.Namespace).Distinct());
        var known = graph._edges.Keys.ToHashSet(StringComparer.Ordinal);

        // Type name → the namespaces declaring it, all projects together: a name only counts
        // where C# could resolve it (see Visible), so a shared name cannot add a false edge.
        var declaring = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in parsed)
        {
            foreach (Match declaration in TypeDeclaration().Matches(file.Code))
            {
                var name = declaration.Groups["name"].Value;
                if (!declaring.TryGetValue(name, out var namespaces))
                {
                    declaring[name] = namespaces = new HashSet<string>(StringComparer.Ordinal);
                }

                namespaces.Add(file.Namespace);
            }
        }

        foreach (var file in parsed)
        {
            var from = file.Namespace;
            var enclosing = Enclosing(from, file.Source.Project).ToList();
            var imported = new HashSet<string>(enclosing, StringComparer.Ordinal);
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            // A project-wide using only makes names visible: the names used are the dependencies
            // (otherwise every namespace of the project would depend on it).
            imported.UnionWith(projectUsings?.GetValueOrDefault(file.Source.Project) ?? []);

            foreach (Match directive in UsingDirective().Matches(file.Code))
            {
                var target = directive.Groups["target"].Value;
                if (LongestKnownPrefix(target, known) is not { } ns)
                {
                    continue;
                }

                graph.Add(from, ns, file.Source.Path, directive.Value.Trim());
                if (directive.Groups["alias"].Success)
                {
                    aliases[directive.Groups["alias"].Value] = target;
                }
                else if (!directive.Groups["static"].Success)
                {
                    imported.Add(ns);
                }
            }

            foreach (Match chain in QualifiedName().Matches(file.Body))
            {
                var segments = Regex.Replace(chain.Value, @"\s+", "").Split('.');
                if (aliases.TryGetValue(segments[0], out var aliased))
                {
                    segments = [.. aliased.Split('.'), .. segments[1..]];
                }

                if (Resolve(segments, enclosing, declaring) is { } ns)
                {
                    graph.Add(from, ns, file.Source.Path, chain.Value);
                }
            }

            foreach (Match identifier in SimpleName().Matches(file.Body))
            {
                if (declaring.TryGetValue(identifier.Value, out var namespaces))
                {
                    foreach (var ns in namespaces.Where(imported.Contains))
                    {
                        graph.Add(from, ns, file.Source.Path, $"uses {identifier.Value}");
                    }
                }
            }
        }

        return graph;
    }

    /// <summary>
    /// The cycles: one per strongly connected component of two or more namespaces (Tarjan), with
    /// a path that leads from one of them back to itself, and every dependency inside it.
    /// </summary>
    public IReadOnlyList<NamespaceCycle> Cycles() =>
        [.. StronglyConnectedComponents()
            .Where(c => c.Count > 1)
            .Select(c => new NamespaceCycle(
                [.. c.Order(StringComparer.Ordinal)],
                CycleThrough(c),
                [.. c.SelectMany(v => _edges[v].Values).Where(d => c.Contains(d.To))]))];

    private void Add(string from, string to, string file, string because)
    {
        if (from != to && _edges.TryGetValue(from, out var edges) && _edges.ContainsKey(to))
        {
            edges.TryAdd(to, new Dependency(from, to, file, because));
        }
    }

    private List<HashSet<string>> StronglyConnectedComponents()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<HashSet<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges[v].Keys)
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new HashSet<string>(StringComparer.Ordinal);
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var v in _edges.Keys.Where(v => !index.ContainsKey(v)).ToList())
        {
            Visit(v);
        }

        return components;
    }

    /// <summary>The shortest way from the component's first namespace back to itself (breadth first, inside the component).</summary>
    private List<Dependency> CycleThrough(HashSet<string> component)
    {
        var start = component.Order(StringComparer.Ordinal).First();
        var reachedBy = new Dictionary<string, Dependency>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var v))
        {
            foreach (var (w, edge) in _edges[v].Where(e => component.Contains(e.Key)))
            {
                if (w == start)
                {
                    var path = new List<Dependency> { edge };
                    for (var at = v; at != start; at = reachedBy[at].From)
                    {
                        path.Insert(0, reachedBy[at]);
                    }

                    return path;
                }

                if (reachedBy.TryAdd(w, edge))
                {
                    queue.Enqueue(w);
                }
            }
        }

        throw new InvalidOperationException("a strongly connected component always holds a cycle");
    }

    /// <summary>The namespace a file declares (its project's global namespace for top-level statements).</summary>
    public static string NamespaceOf(SourceFile source) => NamespaceOf(CodeText.Of(source.Text), source.Project);

    private static string NamespaceOf(string code, string project) =>
        NamespaceDeclaration().Match(code) is { Success: true } declared ? declared.Groups["name"].Value : GlobalOf(project);

    private static ParsedFile Parse(SourceFile source)
    {
        var code = CodeText.Of(source.Text);
        var ns = NamespaceOf(code, source.Project);

        // Directives name namespaces, not types: they are counted as usings, not scanned as names.
        var body = UsingDirective().Replace(NamespaceDeclaration().Replace(code, " "), " ");
        return new ParsedFile(source, code, body, ns);
    }

    /// <summary>The namespace and those enclosing it, where C# looks up a simple name: MediAI.SiteAgents.Api, MediAI.SiteAgents, MediAI, global.</summary>
    private static IEnumerable<string> Enclosing(string ns, string project)
    {
        if (IsGlobal(ns))
        {
            yield return ns;
            yield break;
        }

        for (var name = ns; name.Length > 0; name = name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : "")
        {
            yield return name;
        }

        yield return GlobalOf(project);
    }

    /// <summary>
    /// The namespace a dotted name starts with, looked up as C# does (relative to each enclosing
    /// namespace, then as written), when what follows is one of its types: in MediAI.Coordinator.Cluster,
    /// <c>Coordinator.City</c> is a property's property, not namespace MediAI.Coordinator.
    /// </summary>
    private static string? Resolve(string[] segments, List<string> enclosing, Dictionary<string, HashSet<string>> declaring)
    {
        for (var take = segments.Length - 1; take >= 1; take--)
        {
            var prefix = string.Join('.', segments[..take]);
            foreach (var outer in enclosing)
            {
                var candidate = IsGlobal(outer) ? prefix : $"{outer}.{prefix}";
                if (declaring.TryGetValue(segments[take], out var namespaces) && namespaces.Contains(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string? LongestKnownPrefix(string name, HashSet<string> known)
    {
        for (var candidate = name; candidate.Length > 0; candidate = candidate.LastIndexOf('.') is var dot and > 0 ? candidate[..dot] : "")
        {
            if (known.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <param name="Code">The text without comments and literals.</param>
    /// <param name="Body">The code without its namespace and using directives.</param>
    private sealed record ParsedFile(SourceFile Source, string Code, string Body, string Namespace);

    [GeneratedRegex(@"\bnamespace\s+(?<name>[\w.]+)\s*[;{]")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^[ \t]*(?:global\s+)?using\s+(?:(?<static>static)\s+)?(?:(?<alias>\w+)\s*=\s*)?(?<target>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    /// <summary>A type's declaration: class, record, struct, interface, enum, or a delegate (its name before its parameters).</summary>
    [GeneratedRegex(@"\b(?:(?:class|record(?:\s+(?:class|struct))?|struct|interface|enum)\s+(?<name>[A-Za-z_]\w*)|delegate\s+[\w.<>,?\[\]\s]+?\s(?<name>[A-Za-z_]\w*)\s*[<(])")]
    private static partial Regex TypeDeclaration();

    /// <summary>A dotted name that does not continue one (in <c>global::A.B</c> it is A.B).</summary>
    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)+")]
    private static partial Regex QualifiedName();

    /// <summary>An identifier that is not a member access (<c>message.Flow</c> names no type).</summary>
    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*")]
    private static partial Regex SimpleName();
}
