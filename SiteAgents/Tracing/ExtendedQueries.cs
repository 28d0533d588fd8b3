using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The extended protocol's bookkeeping (DBeaver, Npgsql, Citus): Parse names a statement's SQL,
/// Bind names a portal of a statement, Execute runs a portal — so Execute's SQL is found here.
/// </summary>
public sealed class ExtendedQueries
{
    private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _portals = new(StringComparer.Ordinal);

    /// <summary>Reads Parse and Bind; true when <paramref name="message"/> was one of them.</summary>
    public bool Note(PgMessage message)
    {
        switch (message.Type)
        {
            case FrontendCode.Parse:
                var (statement, sql) = message.ParseText;
                _statements[statement] = sql;
                return true;
            case FrontendCode.Bind:
                var (portal, bound) = message.BindNames;
                _portals[portal] = _statements.GetValueOrDefault(bound, "");
                return true;
            default:
                return false;
        }
    }

    /// <summary>The SQL an Execute runs.</summary>
    public string SqlOf(PgMessage execute) => _portals.GetValueOrDefault(execute.CString(), "");
}
