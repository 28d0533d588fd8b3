using System.Text.RegularExpressions;

namespace MediAI.SiteAgents.Protocol;

/// <summary>
/// A two-phase commit step as Citus sends it to a site: PREPARE TRANSACTION / COMMIT PREPARED /
/// ROLLBACK PREPARED. It reads what a statement says, like the rest of Protocol, and lives here
/// because both the 2PC faults and the tracer need it: neither depends on the other.
/// </summary>
public sealed partial record TwoPhaseStep(string Step, string Gid)
{
    public const string Prepare = "PREPARE TRANSACTION";
    public const string CommitPrepared = "COMMIT PREPARED";
    public const string RollbackPrepared = "ROLLBACK PREPARED";

    public static TwoPhaseStep? Match(string sql)
    {
        var match = Pattern().Match(sql);
        if (!match.Success)
        {
            return null;
        }

        var step = Regex.Replace(match.Groups["step"].Value.ToUpperInvariant(), @"\s+", " ");
        return new TwoPhaseStep(step, match.Groups["gid"].Value.Replace("''", "'", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*(?<step>PREPARE\s+TRANSACTION|COMMIT\s+PREPARED|ROLLBACK\s+PREPARED)\s+'(?<gid>(?:[^']|'')*)'", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
