using System.Diagnostics;
using System.Text.RegularExpressions;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// The students' door: one trace per statement a client types (psql, DBeaver), or one per
/// <c>BEGIN … COMMIT</c> block with its statements as children. It only reads what passes — the
/// client's session sees nothing of it. While a statement runs, the <see cref="StatementLedger"/>
/// says which span the nodes' parts of it join (by the client's backend pid).
/// </summary>
public sealed partial class ClientStatementTracer(SiteAgentOptions site, StatementLedger ledger) : ILinkObserver
{
    private readonly Queue<Sent> _sent = new();
    private readonly ExtendedQueries _extended = new();
    private readonly KeyValuePair<string, object?>[] _siteTags = SpanText.SiteTags(site);
    private int _pid;
    private string _database = "";
    private string _application = "";
    private Activity? _block;
    private CatalogBurst? _burst;
    private byte _status = TransactionStatus.Idle;
    private List<AnsweredStatement> _answered = [];

    /// <summary>At a ReadyForQuery, the statements it ends the answers of, in order (until the next one).</summary>
    public IReadOnlyList<AnsweredStatement> AnsweredBeforeReady { get; private set; } = [];

    /// <summary>The statement whose answer (CommandComplete or ErrorResponse) was the last message seen.</summary>
    public AnsweredStatement? JustAnswered { get; private set; }

    public void Observe(PgMessage message)
    {
        switch (message.Flow, message.Type)
        {
            case (Flow.Upstream, PgMessage.Untyped) when message.IsStartup:
                var parameters = message.StartupParameters();
                _database = parameters.GetValueOrDefault("database", parameters.GetValueOrDefault("user", ""));
                _application = parameters.GetValueOrDefault("application_name", "");
                break;
            case (Flow.Upstream, FrontendCode.Query):
                Begin(message.QueryText, message.Truncated, simple: true);
                break;
            case (Flow.Upstream, FrontendCode.Parse or FrontendCode.Bind):
                _extended.Note(message);
                break;
            case (Flow.Upstream, FrontendCode.Execute):
                Begin(_extended.SqlOf(message), truncated: false, simple: false);
                break;
            case (Flow.Downstream, BackendCode.BackendKeyData):
                _pid = message.BackendPid;
                break;
            case (Flow.Downstream, BackendCode.CommandComplete):
                JustAnswered = null;
                if (_sent.TryPeek(out var done))
                {
                    Answer(done, failed: false);
                    Completed(done.Span, message.CString());
                    if (!done.Simple)
                    {
                        End(_sent.Dequeue().Span);
                    }
                }

                break;
            case (Flow.Downstream, BackendCode.ErrorResponse):
                JustAnswered = null;
                if (_sent.TryPeek(out var failed))
                {
                    Answer(failed, failed: true);
                    Failed(failed.Span, message.Fields());
                    if (!failed.Simple)
                    {
                        End(_sent.Dequeue().Span);
                    }
                }

                break;
            case (Flow.Downstream, BackendCode.ReadyForQuery):
                while (_sent.TryDequeue(out var answered))
                {
                    End(answered.Span);
                }

                AnsweredBeforeReady = _answered;
                _answered = [];

                _status = message.Body.IsEmpty ? TransactionStatus.Idle : message.Body.FirstSpan[0];
                if (_status == TransactionStatus.Idle && _block is not null)
                {
                    _block.Stop();
                    _block = null;
                }

                break;
        }
    }

    public void Abandon(string reason)
    {
        while (_sent.TryDequeue(out var open))
        {
            open.Span?.SetStatus(ActivityStatusCode.Error, reason);
            open.Span?.SetTag("error.type", "link_closed");
            End(open.Span, abandoned: true);
        }

        _block?.SetStatus(ActivityStatusCode.Error, reason);
        _block?.Stop();
        _block = null;
        _burst?.End();
        _burst = null;
        if (_pid != 0)
        {
            ledger.Disconnect(_pid, DateTime.UtcNow);
        }
    }

    private void Answer(Sent statement, bool failed)
    {
        // A simple query's several statements answer one by one: the first answer speaks for them.
        if (statement.Answered)
        {
            return;
        }

        statement.Answered = true;
        JustAnswered = new AnsweredStatement(statement.Span?.TraceId, statement.Sql, statement.Catalog, failed);
        _answered.Add(JustAnswered);
    }

    /// <summary>A statement sent: a root of its own, or a child of the block it is in (or opens), or of its catalog burst.</summary>
    private void Begin(string sql, bool truncated, bool simple)
    {
        var inBlock = _status != TransactionStatus.Idle || StartsBlock().IsMatch(sql);
        if (inBlock && _block is null)
        {
            _block = Spans.Start("BEGIN … COMMIT", ActivityKind.Server, parent: default);
            Describe(_block, sql, truncated);
        }

        var parent = _block?.Context;
        var catalog = !inBlock && CatalogBurst.IsCatalogQuery(sql, extendedProtocol: !simple);
        if (catalog)
        {
            parent = _burst?.Join();
            if (parent is null)
            {
                _burst = CatalogBurst.Start(_application, _siteTags);
                parent = _burst?.Join();
            }
        }
        else
        {
            _burst?.End(); // the client's own statement: the burst before it is over
            _burst = null;
        }

        var span = Spans.Start(SpanText.StatementName(sql), ActivityKind.Server, parent ?? default);
        Describe(span, sql, truncated);
        if (span is not null && _pid != 0)
        {
            ledger.Open(_pid, span.Context, span.StartTimeUtc);
        }

        _sent.Enqueue(new Sent(span, simple, sql, catalog));
    }

    /// <param name="abandoned">The client left before the answer: the coordinator still runs the statement, and its sites' parts still come.</param>
    private void End(Activity? span, bool abandoned = false)
    {
        if (span is null)
        {
            return;
        }

        span.Stop();
        if (_pid != 0)
        {
            ledger.Close(_pid, span.Context, abandoned ? null : span.StartTimeUtc + span.Duration);
        }

        if (_burst is not null && span.ParentSpanId == _burst.SpanId)
        {
            _burst.Answered(span.StartTimeUtc + span.Duration);
        }

        if (_block is not null && EndsBlock().Match(span.GetTagItem("db.query.text") as string ?? "") is { Success: true } ends)
        {
            _block.DisplayName = $"BEGIN … {ends.Groups[1].Value.ToUpperInvariant()}";
        }
    }

    private void Describe(Activity? span, string sql, bool truncated)
    {
        if (span is null)
        {
            return;
        }

        // AddTag, not SetTag: a new span has none of these yet, and SetTag searches for each.
        foreach (var (key, value) in _siteTags)
        {
            span.AddTag(key, value);
        }

        span.AddTag("mediai.client", true);
        span.AddTag("db.namespace", _database);
        span.AddTag("db.query.text", SpanText.QueryText(sql, truncated));
        if (_application.Length > 0)
        {
            span.AddTag("client.application_name", _application);
        }

        if (_pid != 0)
        {
            span.AddTag("db.postgresql.backend_pid", _pid);
        }
    }

    private static void Completed(Activity? span, string tag)
    {
        span?.SetTag("db.response.command_tag", tag);
        if (SpanText.Rows(tag) is { } rows)
        {
            span?.SetTag("db.response.returned_rows", rows);
        }
    }

    private void Failed(Activity? span, Dictionary<char, string> fields)
    {
        var sqlState = fields.GetValueOrDefault(ErrorField.SqlState, "");
        var text = fields.GetValueOrDefault(ErrorField.Message, "");
        foreach (var failed in new[] { span, _block })
        {
            failed?.SetTag("db.response.status_code", sqlState);
            failed?.SetTag("error.type", sqlState);
            failed?.SetStatus(ActivityStatusCode.Error, text);
        }
    }

    [GeneratedRegex(@"^\s*(BEGIN|START\s+TRANSACTION)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StartsBlock();

    [GeneratedRegex(@"^\s*(COMMIT|END|ROLLBACK|ABORT)\b(?!\s+PREPARED)", RegexOptions.IgnoreCase)]
    private static partial Regex EndsBlock();

    /// <summary>A statement sent and not yet answered, in the order the node answers.</summary>
    private sealed record Sent(Activity? Span, bool Simple, string Sql, bool Catalog)
    {
        public bool Answered { get; set; }
    }
}

/// <summary>A client's statement as its answer came: its trace (none when spans are off), its text, a GUI's catalog query or not, failed or not.</summary>
public sealed record AnsweredStatement(ActivityTraceId? Trace, string Sql, bool Catalog, bool Failed);
