namespace MediAI.Coordinator.Classroom;

/// <summary>
/// The professor's clone of the assignment's template (--template): every version of its
/// solutions/ folder, by git tree id. GitHub Classroom makes each student's repository as one
/// "Initial commit" holding the template's files, so a student's first commit carries one of
/// these trees; which one says what they were handed, even if the template changed since.
/// </summary>
public sealed class SolutionsTemplate
{
    private readonly Dictionary<string, string> _commitBySolutionsTree;

    private SolutionsTemplate(string folder, Dictionary<string, string> commitBySolutionsTree)
    {
        Folder = folder;
        _commitBySolutionsTree = commitBySolutionsTree;
    }

    public string Folder { get; }

    /// <summary>Reads every commit of the template's history once, for the whole class.</summary>
    public static async Task<SolutionsTemplate> ReadAsync(string folder, CancellationToken ct)
    {
        var commits = (await GitClone.TextAsync(folder, ct, "rev-list", "--all")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var trees = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var commit in commits)
        {
            if (await SolutionsCheck.TreeAsync(folder, commit, ct) is { } tree)
            {
                trees.TryAdd(tree, commit);
            }
        }

        return new SolutionsTemplate(folder, trees);
    }

    /// <summary>The template's commit whose solutions/ is this tree, or null when none is.</summary>
    public string? CommitWith(string solutionsTree) => _commitBySolutionsTree.GetValueOrDefault(solutionsTree);
}
