using System.Text.RegularExpressions;

namespace MediAI.Coordinator.Core.Sql;

/// <summary>
/// SQL as it may be shown (logs, the bootstrap's progress row, spans): a role's password in
/// CREATE/ALTER ROLE … PASSWORD '…' — or in format('… PASSWORD %L', '…') — replaced by '***'.
/// On a department's cluster (external mode) that password is the one the professor gave.
/// </summary>
public static partial class SecretText
{
    [GeneratedRegex(@"(\bPASSWORD\s+(?:%L'\s*,\s*)?)'(?:[^']|'')*'", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Passwords();

    public static string Redact(string sql) =>
        sql.Contains("password", StringComparison.OrdinalIgnoreCase) ? Passwords().Replace(sql, "$1'***'") : sql;
}
