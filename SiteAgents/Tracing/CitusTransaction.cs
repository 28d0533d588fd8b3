using System.Text.RegularExpressions;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// One coordinator transaction as every node sees it. Citus opens each remote transaction with
/// <c>assign_distributed_transaction_id(group, number, timestamp)</c>, and names its 2PC gids
/// <c>citus_&lt;group&gt;_&lt;pid&gt;_&lt;number&gt;_&lt;connection&gt;</c>: the same group and number. So a
/// block's statements and its commit's PREPAREs, at four sites, carry one key ("0:42").
/// </summary>
public static partial class CitusTransaction
{
    /// <summary>The key in <c>assign_distributed_transaction_id(…)</c>'s arguments, else null.</summary>
    public static string? FromAssignArguments(string arguments) =>
        AssignArguments().Match(arguments) is { Success: true } m ? $"{m.Groups[1].Value}:{m.Groups[2].Value}" : null;

    /// <summary>The key in a Citus gid, when the backend <paramref name="pid"/> prepared it (a recovery's is another backend's).</summary>
    public static string? FromGid(string gid, int pid) =>
        Gid().Match(gid) is { Success: true } m && m.Groups[2].Value == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? $"{m.Groups[1].Value}:{m.Groups[3].Value}"
            : null;

    [GeneratedRegex(@"^\s*(\d+)\s*,\s*(\d+)\s*,")]
    private static partial Regex AssignArguments();

    [GeneratedRegex(@"^citus_(\d+)_(\d+)_(\d+)_\d+$")]
    private static partial Regex Gid();
}
