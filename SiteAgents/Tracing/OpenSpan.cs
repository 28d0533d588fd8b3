using System.Diagnostics;

namespace MediAI.SiteAgents.Tracing;

/// <summary>A span being recorded: live (its parent was known at its start) or a draft (matched later).</summary>
public sealed class OpenSpan
{
    private readonly Activity? _live;
    private readonly SpanDraft? _draft;
    private IReadOnlyList<string> _pendingPrepared = [];

    private OpenSpan(Activity? live, SpanDraft? draft) => (_live, _draft) = (live, draft);

    public static OpenSpan? Live(Activity? activity) => activity is null ? null : new OpenSpan(activity, null);

    public static OpenSpan Draft(SpanDraft draft) => new(null, draft);

    /// <summary>The span's own context, when it is live (a draft's is made when it is placed).</summary>
    public ActivityContext? LiveContext => _live?.Context;

    public void SetTag(string key, object? value)
    {
        _live?.SetTag(key, value);
        _draft?.Tags.Add(new(key, value));
    }

    public void SetStatus(ActivityStatusCode code, string? description)
    {
        _live?.SetStatus(code, description);
        if (_draft is not null)
        {
            _draft.Status = (code, description);
        }
    }

    /// <summary>
    /// A read relayed while these transactions were prepared here and undecided: at its end, the span
    /// links to the trace each was prepared in (a draft's, when it is placed: after their PREPAREs').
    /// </summary>
    public void LinkToPrepared(IReadOnlyList<string> gids)
    {
        _pendingPrepared = gids;
        if (_draft is not null)
        {
            _draft.PendingPrepared = gids;
        }
    }

    public void End(LateSpans late, TraceContextStore store)
    {
        if (_live is not null)
        {
            foreach (var link in store.LinksTo(_pendingPrepared))
            {
                _live.AddLink(link);
            }

            _live.Stop();
        }

        if (_draft is not null)
        {
            _draft.End = DateTime.UtcNow;
            late.Submit(_draft);
        }
    }
}
