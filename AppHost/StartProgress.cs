using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost;

/// <summary>
/// While the lab starts, a line in the terminal every so often naming what it still waits for
/// ("tokyo: Running, not yet healthy; cluster-bootstrap: 6/8 placing Japan at Tokyo"): a first start on a
/// busy laptop takes minutes, and a silent terminal looks like a hang. The same lines tell a
/// professor's CI log which resource held the start up.
/// </summary>
public static class StartProgress
{
    /// <summary>States on the way up (a resource in another state is up, done, or failed and named by <see cref="NodeFailures"/>).</summary>
    private static readonly HashSet<string> OnTheWay =
        [KnownResourceStates.NotStarted, KnownResourceStates.Waiting, KnownResourceStates.Starting, KnownResourceStates.RuntimeUnhealthy];

    public static async Task ReportUntilAsync(
        ResourceNotificationService notifications,
        string bootstrapName,
        TimeSpan every,
        ILogger logger,
        CancellationToken ready)
    {
        var latest = new ConcurrentDictionary<string, ResourceEvent>();
        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in notifications.WatchAsync(ready))
                {
                    latest[e.Resource.Name] = e;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        var started = DateTime.UtcNow;
        try
        {
            while (true)
            {
                await Task.Delay(every, ready);
                var waiting = Waiting(latest, bootstrapName);
                if (waiting.Count > 0)
                {
                    logger.LogInformation(
                        "Still starting after {Seconds:0} s, waiting for: {Waiting}",
                        (DateTime.UtcNow - started).TotalSeconds, string.Join("; ", waiting));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await watch;
    }

    /// <summary>Each resource not yet where the lab needs it, with where it is.</summary>
    internal static List<string> Waiting(IReadOnlyDictionary<string, ResourceEvent> latest, string bootstrapName)
    {
        // The bootstrap's step, from its progress row (shown with the bootstrap, not as a resource of its own).
        var step = latest.Values.FirstOrDefault(e => e.Resource is BootstrapProgressResource)?.Snapshot
            .Properties.FirstOrDefault(p => p.Name == CustomResourceKnownProperties.Source)?.Value as string;
        var waiting = new List<string>();
        foreach (var (name, e) in latest.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var snapshot = e.Snapshot;
            if (e.Resource is BootstrapProgressResource || snapshot.IsHidden)
            {
                continue;
            }

            var state = snapshot.State?.Text;
            if (name == bootstrapName)
            {
                if (state != KnownResourceStates.Finished && state != KnownResourceStates.Exited)
                {
                    waiting.Add($"{name}: {(state == KnownResourceStates.Running && step is not null ? step : state ?? "not created yet")}");
                }

                continue;
            }

            if (state == KnownResourceStates.Running && snapshot.HealthStatus is not (null or HealthStatus.Healthy))
            {
                waiting.Add($"{name}: Running, not yet healthy");
            }
            else if (state is null || OnTheWay.Contains(state))
            {
                waiting.Add($"{name}: {state ?? "not created yet"}");
            }
        }

        return waiting;
    }
}
