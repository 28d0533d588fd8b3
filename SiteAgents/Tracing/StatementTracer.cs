using System.Buffers;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Turns what one connection's messages say into spans: one per statement this site ran (simple
/// Query until ReadyForQuery; extended Execute until its CommandComplete), and one per 2PC step.
/// Spans join the trace whose W3C traceparent Citus forwarded in <c>SET LOCAL mediai.traceparent</c>.
/// </summary>
public sealed partial class StatementTracer(SiteAgentOptions site, TraceContextStore store)
{
    public static readonly ActivitySource Source = new("MediAI.SiteAgent");
    private const int MaxQueryText = 2048;

    private readonly Queue<Pending> _pending = new();
    private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _portals = new(StringComparer.Ordinal);
    private ActivityContext? _transactionParent;
    private string? _distributedTransactionId;
    private string _database = "";
    private string _application = "";

    public void Observe(PgMessage message)
    {
        if (message.Flow == Flow.Upstream)
        {
            OnClientMessage(message);
        }
        else
        {
            OnNodeMessage(message);
        }
    }

    private void OnClientMessage(PgMessage message)
    {
        switch (message.Type)
        {
            case PgMessage.Untyped when message.IsStartup:
                var parameters = message.StartupParameters();
                _database = parameters.GetValueOrDefault("database", parameters.GetValueOrDefault("user", ""));
                _application = parameters.GetValueOrDefault("application_name", "");
                break;
            case FrontendCode.Query when !site.TraceStatements && !MayCarryTransactionEvents(message.Body):
                _pending.Enqueue(new Pending(null, Simple: true));
                break;
            case FrontendCode.Parse or FrontendCode.Bind when !site.TraceStatements && !MayCarryTransactionEvents(message.Body):
                break;
            case FrontendCode.Query:
                var sql = message.QueryText;
                NoteTransactionContext(sql);
                _pending.Enqueue(new Pending(Start(sql, message.Truncated), Simple: true));
                break;
            case FrontendCode.Parse:
                var (statement, text) = message.ParseText;
                _statements[statement] = text;
                break;
            case FrontendCode.Bind:
                var (portal, boundStatement) = message.BindNames;
                _portals[portal] = _statements.GetValueOrDefault(boundStatement, "");
                break;
            case FrontendCode.Execute:
                var portalSql = _portals.GetValueOrDefault(message.CString(), "");
                NoteTransactionContext(portalSql);
                _pending.Enqueue(new Pending(Start(portalSql, truncated: false), Simple: false));
                break;
        }
    }

    private void OnNodeMessage(PgMessage message)
    {
        switch (message.Type)
        {
            case BackendCode.CommandComplete:
                var tag = message.CString();
                if (!_pending.TryPeek(out var head))
                {
                    break;
                }

                head.Activity?.SetTag("db.response.command_tag", tag);
                if (RowCount().Match(tag) is { Success: true } rows)
                {
                    head.Activity?.SetTag("db.response.returned_rows", long.Parse(rows.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                // A simple Query may hold several statements: it ends at ReadyForQuery.
                if (!head.Simple)
                {
                    End(_pending.Dequeue().Activity);
                }

                break;
            case BackendCode.ErrorResponse:
                if (!_pending.TryPeek(out var failed))
                {
                    break;
                }

                var fields = message.Fields();
                var sqlState = fields.GetValueOrDefault(ErrorField.SqlState, "");
                failed.Activity?.SetTag("db.response.status_code", sqlState);
                failed.Activity?.SetTag("error.type", sqlState);
                failed.Activity?.SetStatus(ActivityStatusCode.Error, fields.GetValueOrDefault(ErrorField.Message, ""));
                if (!failed.Simple)
                {
                    End(_pending.Dequeue().Activity);
                }

                break;
            case BackendCode.ReadyForQuery:
                // Everything the client sent up to its Sync/Query is answered now.
                while (_pending.TryDequeue(out var answered))
                {
                    End(answered.Activity);
                }
                var status = message.Body.IsEmpty ? TransactionStatus.Idle : message.Body.FirstSpan[0];
                if (status == TransactionStatus.Idle)
                {
                    _transactionParent = null;
                    _distributedTransactionId = null;
                }

                break;
        }
    }

    /// <summary>
    /// With statement spans off, only transaction starts (Citus: BEGIN…; SET LOCAL mediai.traceparent)
    /// and 2PC steps matter: a look at the first bytes spares decoding every other statement.
    /// </summary>
    private static bool MayCarryTransactionEvents(ReadOnlySequence<byte> body)
    {
        Span<byte> head = stackalloc byte[16];
        var length = (int)Math.Min(head.Length, body.Length);
        body.Slice(0, length).CopyTo(head);
        var text = head[..length];
        // Parse/Bind bodies start with a (usually empty) name: skip it.
        var nul = text.IndexOf((byte)0);
        if (nul >= 0 && nul < text.Length - 1)
        {
            text = text[(nul + 1)..];
        }

        text = text.TrimStart(" \t\r\n"u8);
        return StartsWith(text, "BEGIN"u8) || StartsWith(text, "PREPARE"u8) || StartsWith(text, "COMMIT"u8)
            || StartsWith(text, "ROLLBACK"u8) || StartsWith(text, "SET"u8) || StartsWith(text, "START"u8);

        static bool StartsWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word)
        {
            if (text.Length < word.Length)
            {
                return false;
            }

            for (var i = 0; i < word.Length; i++)
            {
                if ((text[i] & 0xDF) != word[i])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The trace context and Citus transaction id a transaction announces (Citus: in its first simple query).</summary>
    private void NoteTransactionContext(string sql)
    {
        if (TraceParent().Match(sql) is { Success: true } tp && ActivityContext.TryParse(tp.Groups[1].Value, null, out var parent))
        {
            _transactionParent = parent;
        }

        if (DistributedTransactionId().Match(sql) is { Success: true } dtx)
        {
            _distributedTransactionId = dtx.Groups[1].Value;
        }
    }

    private Activity? Start(string sql, bool truncated)
    {
        var step = TwoPhaseStep.Match(sql);
        if (step is null && (!site.TraceStatements || (_transactionParent is null && CitusMaintenance().IsMatch(sql))))
        {
            return null;
        }

        var parent = _transactionParent;
        if (step is not null)
        {
            if (step.Step == TwoPhaseStep.Prepare && parent is { } prepared)
            {
                store.Remember(step.Gid, prepared);
            }
            else if (step.Step != TwoPhaseStep.Prepare)
            {
                parent = store.Find(step.Gid) ?? parent;
            }
        }

        var operation = step?.Step ?? Operation(sql);
        var shards = Shards(sql);
        var name = $"{site.Name}: {operation}{(shards.Length > 0 ? " " + shards : "")}";
        var activity = parent is { } context
            ? Source.StartActivity(name, ActivityKind.Server, context)
            : Source.StartActivity(name, ActivityKind.Server, parentContext: default);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("mediai.site", site.Name);
        activity.SetTag("mediai.city", site.City);
        activity.SetTag("db.system.name", "postgresql");
        activity.SetTag("db.namespace", _database);
        activity.SetTag("db.operation.name", operation);
        activity.SetTag("db.query.text", sql.Length > MaxQueryText ? sql[..MaxQueryText] + "…" : truncated ? sql + "…" : sql);
        activity.SetTag("server.address", site.Node.Host);
        activity.SetTag("server.port", site.Node.Port);
        if (shards.Length > 0)
        {
            activity.SetTag("db.collection.name", shards);
        }

        if (_application.Length > 0)
        {
            activity.SetTag("client.application_name", _application);
        }

        if (_distributedTransactionId is not null)
        {
            activity.SetTag("citus.distributed_transaction_id", _distributedTransactionId);
        }

        if (step is not null)
        {
            activity.SetTag("db.transaction.gid", step.Gid);
            activity.SetTag("mediai.2pc.step", step.Step);
        }

        return activity;
    }

    private static void End(Activity? activity) => activity?.Stop();

    /// <summary>Ends spans still open when the link closes (the node never answered).</summary>
    public void Abandon(string reason)
    {
        while (_pending.TryDequeue(out var open))
        {
            open.Activity?.SetStatus(ActivityStatusCode.Error, reason);
            open.Activity?.SetTag("error.type", "link_closed");
            End(open.Activity);
        }
    }

    private static string Operation(string sql)
    {
        var trimmed = sql.TrimStart();
        var words = FirstWords().Match(trimmed);
        return words.Success ? words.Value.ToUpperInvariant() : "QUERY";
    }

    /// <summary>Shard relations named in the SQL ("public.patients_102149"), as Citus names them.</summary>
    private static string Shards(string sql) =>
        string.Join(",", ShardName().Matches(sql).Select(m => m.Value).Distinct().Take(8));

    [GeneratedRegex(@"mediai\.traceparent\s*(?:=|TO)\s*'([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})'", RegexOptions.IgnoreCase)]
    private static partial Regex TraceParent();

    /// <summary>
    /// Citus's maintenance daemon polls every node about every 2 s (distributed deadlock
    /// detection, 2PC recovery): untraced, those would bury the lab's own spans.
    /// </summary>
    [GeneratedRegex(@"waiting_pid|dump_local_wait_edges|get_global_active_transactions|FROM pg_prepared_xacts|pg_dist_cleanup", RegexOptions.IgnoreCase)]
    private static partial Regex CitusMaintenance();

    [GeneratedRegex(@"assign_distributed_transaction_id\(([^)]*)\)")]
    private static partial Regex DistributedTransactionId();

    [GeneratedRegex(@"(\d+)$")]
    private static partial Regex RowCount();

    [GeneratedRegex(@"^[A-Za-z]+")]
    private static partial Regex FirstWords();

    [GeneratedRegex(@"\b(?:[a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*_1\d{5,}\b")]
    private static partial Regex ShardName();

    /// <summary>A statement sent and not yet answered, in the order the node answers.</summary>
    private sealed record Pending(Activity? Activity, bool Simple);
}
