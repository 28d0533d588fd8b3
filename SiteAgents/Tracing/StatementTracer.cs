using System.Buffers;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Turns what one connection's messages say into spans: one per statement this site ran (simple
/// Query until ReadyForQuery; extended Execute until its CommandComplete), and one per 2PC step.
/// Spans join the trace whose W3C traceparent Citus forwarded in <c>SET LOCAL mediai.traceparent</c>
/// (the API's), else the client statement Citus runs them for: the link's <c>citus_internal
/// gpid</c> names the client's backend, whose statement the students' door recorded
/// (<see cref="IClientStatements"/>; matched after the fact where the door is another agent).
/// Every answered PREPARE and decision is told to the site's <see cref="PendingPrepared"/>; a read
/// names the transactions still waiting there, and links to their traces.
/// </summary>
public sealed partial class StatementTracer(
    SiteAgentOptions site, TraceContextStore store, IClientStatements statements, LateSpans late, PendingPrepared pendingPrepared) : ILinkObserver
{
    /// <summary>The attribute a read's span carries: gids prepared at this site and not yet decided (empty when none).</summary>
    public const string PendingPreparedTag = "mediai.read.pending_prepared_gids";


    private readonly Queue<Pending> _pending = new();
    private readonly ExtendedQueries _extended = new();
    private readonly KeyValuePair<string, object?>[] _siteTags = SpanText.SiteTags(site);
    private ActivityContext? _transactionParent;
    private string? _distributedTransactionId;
    private string _database = "";
    private string _application = "";
    private CitusClient? _client; // the coordinator backend this link works for (Citus's gpid), and its transaction
    private readonly HashSet<string> _awaitingDecision = new(StringComparer.Ordinal); // gids prepared on this link, not yet decided on it

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
                if (CitusGpid().Match(_application) is { Success: true } gpid && long.TryParse(gpid.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var global))
                {
                    _client = CitusClient.FromGpid(global);
                }

                break;
            case FrontendCode.Query when !site.TraceStatements && !MayCarryTransactionEvents(message.Body):
                _pending.Enqueue(new Pending(null, Simple: true, Step: null));
                break;
            case FrontendCode.Parse or FrontendCode.Bind when !site.TraceStatements && !MayCarryTransactionEvents(message.Body):
                break;
            case FrontendCode.Query:
                var sql = message.QueryText;
                NoteTransactionContext(sql);
                _pending.Enqueue(new Pending(Start(sql, message.Truncated, out var step), Simple: true, step));
                break;
            case FrontendCode.Parse or FrontendCode.Bind:
                _extended.Note(message);
                break;
            case FrontendCode.Execute:
                var portalSql = _extended.SqlOf(message);
                NoteTransactionContext(portalSql);
                _pending.Enqueue(new Pending(Start(portalSql, truncated: false, out var portalStep), Simple: false, portalStep));
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

                head.Span?.SetTag("db.response.command_tag", tag);
                if (head.Step is { Step: TwoPhaseStep.Prepare } voted)
                {
                    // The site voted yes: it holds the transaction until the coordinator's decision arrives.
                    head.Span?.SetTag("mediai.2pc.vote", "yes");
                    _awaitingDecision.Add(voted.Gid);
                    pendingPrepared.Prepared(voted.Gid);
                }
                else if (head.Step is { } decided)
                {
                    _awaitingDecision.Remove(decided.Gid);
                    pendingPrepared.Decided(decided.Gid);
                }

                if (SpanText.Rows(tag) is { } rows)
                {
                    head.Span?.SetTag("db.response.returned_rows", rows);
                }

                // A simple Query may hold several statements: it ends at ReadyForQuery.
                if (!head.Simple)
                {
                    End(_pending.Dequeue().Span);
                }

                break;
            case BackendCode.ErrorResponse:
                if (!_pending.TryPeek(out var failed))
                {
                    break;
                }

                var fields = message.Fields();
                var sqlState = fields.GetValueOrDefault(ErrorField.SqlState, "");
                failed.Span?.SetTag("db.response.status_code", sqlState);
                failed.Span?.SetTag("error.type", sqlState);
                failed.Span?.SetStatus(ActivityStatusCode.Error, fields.GetValueOrDefault(ErrorField.Message, ""));
                if (failed.Step is { Step: TwoPhaseStep.Prepare })
                {
                    failed.Span?.SetTag("mediai.2pc.vote", "no");
                }
                else if (failed.Step is { } gone && sqlState == UndefinedObject)
                {
                    pendingPrepared.Decided(gone.Gid); // "prepared transaction … does not exist": nothing waits here
                }

                if (!failed.Simple)
                {
                    End(_pending.Dequeue().Span);
                }

                break;
            case BackendCode.ReadyForQuery:
                // Everything the client sent up to its Sync/Query is answered now.
                while (_pending.TryDequeue(out var answered))
                {
                    End(answered.Span);
                }
                var status = message.Body.IsEmpty ? TransactionStatus.Idle : message.Body.FirstSpan[0];
                if (status == TransactionStatus.Idle)
                {
                    _transactionParent = null;
                    _distributedTransactionId = null;
                    _client = _client is null ? null : _client with { Transaction = null };
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
            _client = _client is null ? null : _client with { Transaction = CitusTransaction.FromAssignArguments(_distributedTransactionId) };
        }
    }

    private OpenSpan? Start(string sql, bool truncated, out TwoPhaseStep? step)
    {
        step = TwoPhaseStep.Match(sql);

        if (step is null && (!site.TraceStatements || (_transactionParent is null && CitusMaintenance().IsMatch(sql))))
        {
            return null;
        }

        // The API's traceparent wins (a PREPARE under it is remembered for its COMMIT PREPARED).
        // Else a 2PC step, or any step where the ledger is another agent's, is a draft placed
        // after the fact: under its commit's phase, or the trace its gid was prepared in. Else
        // the client's statement the ledger has open now, else (the client bypassed the door) a
        // draft Paris makes a root for; without a client, the gid's trace, else a root.
        var parent = _transactionParent;
        if (step is { Step: TwoPhaseStep.Prepare } && parent is { } explicitParent)
        {
            store.Remember(step.Gid, explicitParent, sent: true);
        }

        var operation = step?.Step ?? Operation(sql);
        var shards = Shards(sql);
        var name = $"{site.Name}: {operation}{(shards.Length > 0 ? " " + shards : "")}";
        OpenSpan? span;
        if (parent is null && _client is { } client
            && (step is not null || !statements.IsLocal || statements.FindNow(client.Pid, DateTime.UtcNow) is null))
        {
            var draft = new SpanDraft(name, client, step);
            if (step is null)
            {
                late.Claim(draft);
            }

            span = OpenSpan.Draft(draft);
        }
        else
        {
            parent ??= _client is { } known ? statements.FindNow(known.Pid, DateTime.UtcNow) : null;
            if (parent is null && step is { Step: not TwoPhaseStep.Prepare })
            {
                parent = store.Find(step.Gid);
            }

            span = OpenSpan.Live(Spans.Start(name, ActivityKind.Server, parent ?? default));
        }

        if (span is null)
        {
            return null;
        }

        foreach (var (key, value) in _siteTags)
        {
            span.SetTag(key, value);
        }

        span.SetTag("db.namespace", _database);
        span.SetTag("db.operation.name", operation);
        span.SetTag("db.query.text", SpanText.QueryText(sql, truncated));
        span.SetTag("server.address", site.Node.Host);
        span.SetTag("server.port", site.Node.Port);
        if (shards.Length > 0)
        {
            span.SetTag("db.collection.name", shards);
        }

        if (_application.Length > 0)
        {
            span.SetTag("client.application_name", _application);
        }

        if (_distributedTransactionId is not null)
        {
            span.SetTag("citus.distributed_transaction_id", _distributedTransactionId);
        }

        if (step is not null)
        {
            span.SetTag("db.transaction.gid", step.Gid);
            span.SetTag("mediai.2pc.step", step.Step);
            if (step.Step == TwoPhaseStep.Prepare && span.LiveContext is { } prepareSpan)
            {
                store.RememberPrepareSpan(step.Gid, prepareSpan);
            }
        }
        else if (IsRead(operation))
        {
            // What this read cannot see here yet: transactions voted yes at this site, decision not arrived.
            var pending = pendingPrepared.Now();
            span.SetTag(PendingPreparedTag, pending);
            span.LinkToPrepared(pending);
        }

        return span;
    }

    private void End(OpenSpan? span) => span?.End(late, store);

    private const string UndefinedObject = "42704";

    /// <summary>A statement that reads without writing, as Citus sends a query's tasks to a site.</summary>
    private static bool IsRead(string operation) => operation is "SELECT" or "WITH" or "TABLE" or "VALUES";

    /// <summary>Ends spans still open when the link closes (the node never answered).</summary>
    public void Abandon(string reason)
    {
        while (_pending.TryDequeue(out var open))
        {
            if (open.Step is { Step: not TwoPhaseStep.Prepare } decision && _awaitingDecision.Remove(decision.Gid))
            {
                // The decision was sent and never reached the node: the site is in doubt.
                open.Span?.SetStatus(ActivityStatusCode.Error, InDoubtMessage(decision.Gid, reason));
                open.Span?.SetTag("error.type", "in_doubt");
                open.Span?.SetTag("mediai.2pc.outcome", "in doubt");
            }
            else
            {
                open.Span?.SetStatus(ActivityStatusCode.Error, reason);
                open.Span?.SetTag("error.type", "link_closed");
            }

            End(open.Span);
        }

        // Prepared here, never decided here: the transaction now waits at this site for recovery.
        foreach (var gid in _awaitingDecision)
        {
            InDoubt(gid, reason);
        }

        _awaitingDecision.Clear();
    }

    /// <summary>A span for a prepared transaction whose decision never reached this site: an in-doubt error, in phase 2.</summary>
    private void InDoubt(string gid, string reason)
    {
        var step = new TwoPhaseStep(TwoPhaseStep.CommitPrepared, gid);
        var name = $"{site.Name}: IN DOUBT (no COMMIT PREPARED reached {site.City})";
        var span = _client is { } client
            ? OpenSpan.Draft(new SpanDraft(name, client, step))
            : OpenSpan.Live(Spans.Start(name, ActivityKind.Server, store.Find(gid) ?? default));
        foreach (var (key, value) in _siteTags)
        {
            span?.SetTag(key, value);
        }

        span?.SetTag("db.transaction.gid", gid);
        span?.SetTag("mediai.2pc.step", "IN DOUBT");
        span?.SetTag("mediai.2pc.outcome", "in doubt");
        span?.SetTag("error.type", "in_doubt");
        span?.SetStatus(ActivityStatusCode.Error, InDoubtMessage(gid, reason));
        End(span);
    }

    private string InDoubtMessage(string gid, string reason) =>
        $"In doubt: the link to {site.City} closed after it voted yes ({reason}). {site.City} holds transaction {gid} prepared " +
        "until recovery: SELECT recover_prepared_transactions() on the coordinator.";

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

    /// <summary>Citus's connections to the nodes: CITUS_APPLICATION_NAME_PREFIX and the initiating backend's global pid.</summary>
    [GeneratedRegex(@"^citus_internal gpid=(\d+)")]
    private static partial Regex CitusGpid();

    [GeneratedRegex(@"^[A-Za-z]+")]
    private static partial Regex FirstWords();

    [GeneratedRegex(@"\b(?:[a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*_1\d{5,}\b")]
    private static partial Regex ShardName();

    /// <summary>A statement sent and not yet answered, in the order the node answers.</summary>
    private sealed record Pending(OpenSpan? Span, bool Simple, TwoPhaseStep? Step);
}
