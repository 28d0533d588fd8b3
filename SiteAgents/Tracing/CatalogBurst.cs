using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// A GUI client's catalog queries, under one root. DBeaver sends dozens of them on connect and
/// on each tree click (SET extra_float_digits, current_schema(), pg_catalog.pg_namespace …), and
/// psql's <c>\d</c> several: one trace each would bury the student's own statements. A burst
/// ends at the client's next statement of its own, or after a quiet second.
/// </summary>
public sealed partial class CatalogBurst : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly Activity _root;
    private readonly Lock _gate = new();
    private readonly Timer _quiet;
    private DateTime _lastEnd;
    private int _statements;
    private bool _ended;

    private CatalogBurst(Activity root)
    {
        _root = root;
        _lastEnd = root.StartTimeUtc;
        _quiet = new Timer(_ => End(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>
    /// A statement a tool wrote to read the catalog: it names pg_catalog or information_schema (tools
    /// qualify; students type <c>pg_dist_shard</c>), or, in the extended protocol (drivers, not
    /// psql), sets up the session or asks who and where it is.
    /// </summary>
    public static bool IsCatalogQuery(string sql, bool extendedProtocol) =>
        // A vectorized search first: this runs for every statement on the relay's path.
        ((sql.Contains("pg_catalog", StringComparison.OrdinalIgnoreCase) || sql.Contains("information_schema", StringComparison.OrdinalIgnoreCase))
            && QualifiedCatalog().IsMatch(sql))
        || (extendedProtocol && SessionSetup().IsMatch(sql));

    public static CatalogBurst? Start(string application, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        var name = application.Length > 0 ? $"catalog queries ({application})" : "catalog queries";
        var root = Spans.Start(name, ActivityKind.Server, parent: default, tags: tags);
        root?.SetTag("mediai.client", true);
        if (application.Length > 0)
        {
            root?.SetTag("client.application_name", application);
        }

        return root is null ? null : new CatalogBurst(root);
    }

    public ActivitySpanId SpanId => _root.SpanId;

    /// <summary>The root a next catalog query joins; null once the burst ended (start another).</summary>
    public ActivityContext? Join()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            _quiet.Change(Timeout.Infinite, Timeout.Infinite);
            _statements++;
            return _root.Context;
        }
    }

    /// <summary>One of its statements was answered: the burst waits a quiet second for the next.</summary>
    public void Answered(DateTime end)
    {
        lock (_gate)
        {
            if (end > _lastEnd)
            {
                _lastEnd = end;
            }

            if (!_ended)
            {
                _quiet.Change(Quiet, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void End()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _root.SetTag("mediai.catalog.statements", _statements);
            _root.SetEndTime(_lastEnd);
            _root.Stop();
        }

        _quiet.Dispose();
    }

    public void Dispose() => End();

    [GeneratedRegex(@"\b(?:pg_catalog|information_schema)\s*\.", RegexOptions.IgnoreCase)]
    private static partial Regex QualifiedCatalog();

    [GeneratedRegex(@"^\s*(?:SET\s+(?!LOCAL\b)|SHOW\b|RESET\b|SELECT\s+(?:current_schema|current_database|session_user|current_user|version|pg_backend_pid)\b(?![^;]*\bFROM\b))", RegexOptions.IgnoreCase)]
    private static partial Regex SessionSetup();
}
