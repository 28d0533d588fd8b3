using System.Diagnostics;

namespace MediAI.SiteAgents.Tracing;

/// <summary>How the agent starts spans: never under whatever span happens to be ambient.</summary>
public static class Spans
{
    public static readonly ActivitySource Source = new("MediAI.SiteAgent");

    /// <summary>
    /// A span under <paramref name="parent"/> (a root when default), leaving Activity.Current as it
    /// was: a link's pump runs many statements on one async flow, and a started span would
    /// otherwise become the parent of the next.
    /// </summary>
    public static Activity? Start(
        string name, ActivityKind kind, ActivityContext parent, DateTimeOffset startTime = default,
        IEnumerable<KeyValuePair<string, object?>>? tags = null, IEnumerable<ActivityLink>? links = null)
    {
        var ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(name, kind, parent, tags, links, startTime);
        }
        finally
        {
            Activity.Current = ambient;
        }
    }
}
