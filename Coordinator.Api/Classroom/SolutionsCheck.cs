namespace MediAI.Coordinator.Classroom;

/// <summary>What a student's graded commit changed under solutions/, or why it cannot be told.</summary>
/// <param name="Modified">The files added, changed or removed (repository paths); null when <paramref name="CannotCompare"/> says why.</param>
public sealed record SolutionsModification(IReadOnlyList<string>? Modified, string? CannotCompare);

/// <summary>
/// The handout's "do not modify solutions/ — modifications are tracked": the files under solutions/
/// that differ between the commit graded and what the student was handed — the template's version
/// their first commit carries (with --template), or that first commit itself (Classroom's "Initial
/// commit"). A flag for the professor; it changes no grade. Compares git's blob ids, so the two may
/// live in different repositories.
/// </summary>
public static class SolutionsCheck
{
    public const string Folder = "solutions";

    /// <param name="roots">The commit's first commits (<see cref="GitClone.RootsAsync"/>).</param>
    public static async Task<SolutionsModification> CompareAsync(string clone, string commit, IReadOnlyList<string> roots, SolutionsTemplate? template, CancellationToken ct)
    {
        if (roots.Count != 1)
        {
            return new(null, $"the history has {roots.Count} first commits, so which one the assignment made cannot be told");
        }

        var root = roots[0];
        Dictionary<string, string> handed;
        if (template is null)
        {
            handed = await FilesAsync(clone, root, ct);
        }
        else
        {
            var tree = await TreeAsync(clone, root, ct);
            if (tree is null || template.CommitWith(tree) is not { } templateCommit)
            {
                return new(null, $"the first commit ({root[..8]}) holds {(tree is null ? "no solutions/ folder" : "a solutions/ folder")} that no commit of the template {template.Folder} has: another template, or a rewritten history");
            }

            handed = await FilesAsync(template.Folder, templateCommit, ct);
        }

        var graded = await FilesAsync(clone, commit, ct);
        var changed = handed.Keys.Union(graded.Keys, StringComparer.Ordinal)
            .Where(path => handed.GetValueOrDefault(path) != graded.GetValueOrDefault(path))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new(changed, null);
    }

    /// <summary>The tree id of solutions/ at that commit, or null when it has no such folder.</summary>
    public static async Task<string?> TreeAsync(string repository, string commit, CancellationToken ct) =>
        // "<mode> tree <id>\tsolutions" when the commit has the folder; nothing when it has not.
        (await GitClone.TextAsync(repository, ct, "ls-tree", "-d", commit, "--", Folder)).Trim().Split([' ', '\t']) is [_, "tree", var id, ..] ? id : null;

    /// <summary>Path → blob id of every file under solutions/ at that commit.</summary>
    private static async Task<Dictionary<string, string>> FilesAsync(string repository, string commit, CancellationToken ct)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        // "<mode> blob <id>\t<path>", NUL-terminated so that no path is quoted.
        foreach (var entry in (await GitClone.TextAsync(repository, ct, "ls-tree", "-r", "-z", commit, "--", Folder + "/")).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && entry[..tab].Split(' ') is [_, _, var blob])
            {
                files[entry[(tab + 1)..]] = blob;
            }
        }

        return files;
    }
}
