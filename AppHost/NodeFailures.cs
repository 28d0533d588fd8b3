using MediAI.AppHost.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost;

/// <summary>
/// A node that fails to start (a missing image, a port taken, a data folder it cannot use), or a
/// site agent that stops (its gateway's port taken), is named in the terminal with its last log
/// lines, and whatever waits on it stops waiting: the dashboard then shows those resources as not
/// started, instead of "Waiting" forever. An agent that ends does not stop the bootstrap's wait
/// (Aspire's wait stops for an Exited container, not a Finished process): LabReadiness hears of it
/// from the task this returns.
/// </summary>
public static class NodeFailures
{
    private const int LogLinesShown = 5;

    /// <returns>Completes once the first node or agent that ended has been named (never, if none does).</returns>
    public static Task ReportNodeFailures(
        this IDistributedApplicationBuilder builder, LabCluster cluster, IReadOnlyList<IResourceBuilder<IResource>> agents, ILogger logger)
    {
        var firstNamed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.Services.Configure<ResourceNotificationServiceOptions>(o => o.DefaultWaitBehavior = WaitBehavior.StopOnResourceUnavailable);
        // Before the start (as LabReadiness): Aspire's start waits on the bootstrap's waits, which one ended part holds for good.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var logs = e.Services.GetRequiredService<ResourceLoggerService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            foreach (var (node, agent) in cluster.Nodes.Zip(agents))
            {
                _ = Task.Run(() => WatchAsync(node.Resource.Resource, $"{node.Site.City}'s node", notifications, logs, logger, firstNamed, stopping), stopping);
                _ = Task.Run(() => WatchAsync(agent.Resource, $"{node.Site.City}'s site agent", notifications, logs, logger, firstNamed, stopping), stopping);
            }

            return Task.CompletedTask;
        });
        return firstNamed.Task;
    }

    private static async Task WatchAsync(
        IResource resource, string what, ResourceNotificationService notifications, ResourceLoggerService logs, ILogger logger,
        TaskCompletionSource named, CancellationToken stopping)
    {
        try
        {
            var failed = await notifications.WaitForResourceAsync(
                resource.Name,
                // A container that ends is Exited, a process (an agent) Finished.
                u => KnownResourceStates.TerminalStates.Contains(u.Snapshot.State?.Text),
                stopping);
            var lines = new List<string>();
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            quick.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await foreach (var batch in logs.GetAllAsync(resource).WithCancellation(quick.Token))
                {
                    lines.AddRange(batch.Select(l => l.Content));
                }
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
            }

            logger.LogCritical(
                "{What} ({Name}) {State}{Exit}. Its last log lines: {Lines}. Everything that needs it stops waiting. Fix the cause above, then restart {Name} " +
                "in the dashboard, or stop the lab (Ctrl+C) and run it again.",
                what, resource.Name, failed.Snapshot.State?.Text == KnownResourceStates.FailedToStart ? "failed to start" : "stopped",
                failed.Snapshot.ExitCode is { } code ? $" (exit code {code})" : "",
                lines.Count == 0 ? "(none)" : string.Join(" | ", lines.TakeLast(LogLinesShown)), resource.Name);
            named.TrySetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
