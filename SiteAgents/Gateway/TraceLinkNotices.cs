using System.Diagnostics;
using System.Text.RegularExpressions;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Gateway;

/// <summary>Makes each door link's <see cref="TraceLinkNotices"/>: one dashboard, one liveness probe for all.</summary>
public sealed class TraceLinks(SiteAgentOptions site, DashboardLiveness dashboard)
{
    public ILinkRule? For(ILinkObserver tracer) =>
        site.DashboardUrl.Length > 0 && tracer is ClientStatementTracer client ? new TraceLinkNotices(site.DashboardUrl, dashboard, client) : null;
}

/// <summary>
/// One click from a statement to its trace: at the students' door, each statement that can do work
/// at a site — not SET, SHOW, RESET, transaction control, or a GUI's catalog queries — is followed,
/// just before its ReadyForQuery, by a NOTICE with its trace's address in the dashboard (psql prints
/// it, DBeaver shows it in its output, Npgsql raises Notice). Inside BEGIN … COMMIT the address is
/// the block's trace. None for a statement that failed, none while the dashboard does not answer.
/// <c>SET mediai.trace_links = off</c> (or <c>on</c>) changes it for the session; the node keeps the
/// setting as a placeholder, and any other value is refused with an error naming the allowed ones.
/// </summary>
public sealed partial class TraceLinkNotices(string dashboardUrl, DashboardLiveness dashboard, ClientStatementTracer tracer) : ILinkRule
{
    private readonly string _traces = dashboardUrl.TrimEnd('/') + "/traces/detail/";
    private bool _on = true;

    public async ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget link, CancellationToken cancellationToken)
    {
        switch (message.Flow, message.Type)
        {
            case (Flow.Downstream, BackendCode.CommandComplete) when tracer.JustAnswered is { } set
                && TraceLinksSetting().Match(set.Sql) is { Success: true } setting:
                bool? on = setting.Groups["value"].Value.ToLowerInvariant() switch
                {
                    "on" or "true" or "1" => true,
                    "off" or "false" or "0" => false,
                    _ => null,
                };
                if (on is { } valid)
                {
                    _on = valid;
                    return Verdict.Forward;
                }

                // The node took it (a placeholder takes anything): the client hears the refusal instead.
                await link.ReplyToClientAsync(BackendMessages.Error("22023",
                    $"invalid value for parameter \"mediai.trace_links\": \"{setting.Groups["value"].Value}\"",
                    "Available values: on, off. The trace links stay " + (_on ? "on." : "off.")), cancellationToken);
                return Verdict.Swallow;

            case (Flow.Downstream, BackendCode.ReadyForQuery):
                var traces = tracer.AnsweredBeforeReady
                    .Where(a => a is { Failed: false, Catalog: false, Trace: not null } && !NoWork().IsMatch(a.Sql))
                    .Select(a => a.Trace!.Value)
                    .Distinct()
                    .ToList();
                if (_on && traces.Count > 0 && dashboard.IsUp)
                {
                    foreach (var trace in traces)
                    {
                        await link.ReplyToClientAsync(BackendMessages.Notice(Text(trace)), cancellationToken);
                    }
                }

                return Verdict.Forward;
        }

        return Verdict.Forward;
    }

    /// <summary>What psql prints after "NOTICE:  ": a terminal makes the address clickable.</summary>
    private string Text(ActivityTraceId trace) => $"trace: {_traces}{trace.ToHexString()}";

    [GeneratedRegex(@"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?mediai\.trace_links\s*(?:=|\s+TO\s+)\s*'?(?<value>[^';\s]*)'?\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TraceLinksSetting();

    /// <summary>Statements that never do work at a site: settings, transaction control (a 2PC step typed by hand included).</summary>
    [GeneratedRegex(@"^\s*(SET|SHOW|RESET|BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION|DISCARD|DEALLOCATE|LISTEN|UNLISTEN)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NoWork();
}
