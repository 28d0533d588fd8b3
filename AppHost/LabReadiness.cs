using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost;

/// <summary>
/// "MediAI lab ready": printed once the API is healthy and the bootstrap has finished (they
/// start side by side). Before that, a node or site agent that ends, or a bootstrap that fails,
/// gets a line saying the lab is not ready and where to look; until then, every
/// <c>Lab:StartProgressSeconds</c>, what the start still waits for (<see cref="StartProgress"/>).
/// </summary>
public static class LabReadiness
{
    /// <param name="partEnded">
    /// Completes once a node or agent the bootstrap waits for has ended and been named
    /// (<see cref="NodeFailures"/>); one that ends first leaves the bootstrap waiting for good.
    /// Null where the lab has none of its own (external mode).
    /// </param>
    public static void AnnounceReadiness(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> api,
        IResourceBuilder<ExecutableResource> bootstrap,
        Task? partEnded,
        string howToConnect,
        TimeSpan progressEvery,
        ILogger logger)
    {
        // Before the start, not after it: Aspire's start itself waits on the bootstrap's waits, so a
        // part that ends early would leave a watcher subscribed later never running, and the terminal silent.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            // Cancelled once the start has ended (ready, not ready, or the lab stopping): the progress lines stop.
            var started = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            if (progressEvery > TimeSpan.Zero)
            {
                _ = StartProgress.ReportUntilAsync(notifications, bootstrap.Resource.Name, progressEvery, logger, started.Token);
            }

            _ = Task.Run(() => AnnounceAsync(notifications, api, bootstrap, partEnded, howToConnect, logger, started, stopping), stopping);
            return Task.CompletedTask;
        });
    }

    private static async Task AnnounceAsync(
        ResourceNotificationService notifications,
        IResourceBuilder<ExecutableResource> api,
        IResourceBuilder<ExecutableResource> bootstrap,
        Task? partEnded,
        string howToConnect,
        ILogger logger,
        CancellationTokenSource started,
        CancellationToken stopping)
    {
        try
        {
            var done = notifications.WaitForResourceAsync(
                bootstrap.Resource.Name, u => KnownResourceStates.TerminalStates.Contains(u.Snapshot.State?.Text), stopping);
            if (partEnded is not null && await Task.WhenAny(done, partEnded) == partEnded && !done.IsCompleted)
            {
                // NodeFailures has named it with its last log lines. The bootstrap goes on waiting: a
                // restart of that resource from the dashboard lets the start go on, and "ready" follows.
                await started.CancelAsync();
                logger.LogCritical(
                    "The lab is not ready: a node or site agent the cluster bootstrap waits for has stopped (named above with its last log lines). " +
                    "Fix that and restart it in the dashboard, or stop the lab (Ctrl+C) and run it again.");
            }

            var end = await done;
            if (end.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
            {
                // A node it waits for failed to start (NodeFailures printed which and why): nothing waits forever.
                logger.LogCritical(
                    "The lab is not ready: the cluster bootstrap did not start because a node or site agent it needs failed (named in this terminal with its last log lines). " +
                    "Fix that, then stop the lab (Ctrl+C) and run it again.");
                return;
            }

            if (end.Snapshot.ExitCode is not 0)
            {
                logger.LogCritical(
                    "The cluster bootstrap failed (exit code {Code}): the lab is not ready. Its console log in the dashboard " +
                    "(resource cluster-bootstrap) names the site and the cause; fix it, then restart cluster-bootstrap there.",
                    end.Snapshot.ExitCode);
                return;
            }

            await notifications.WaitForResourceHealthyAsync(api.Resource.Name, stopping);
            await started.CancelAsync();
            logger.LogInformation("MediAI lab ready. {HowToConnect}", howToConnect);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await started.CancelAsync();
            started.Dispose();
        }
    }
}
