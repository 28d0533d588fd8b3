using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost;

/// <summary>
/// "MediAI lab ready": printed once the API is healthy and the bootstrap has finished (they
/// start side by side), or, when the bootstrap fails, a line saying so and where to look; until
/// then, every <c>Lab:StartProgressSeconds</c>, what the start still waits for (<see cref="StartProgress"/>).
/// </summary>
public static class LabReadiness
{
    public static void AnnounceReadiness(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> api,
        IResourceBuilder<ExecutableResource> bootstrap,
        string howToConnect,
        TimeSpan progressEvery,
        ILogger logger)
    {
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var started = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            if (progressEvery > TimeSpan.Zero)
            {
                _ = StartProgress.ReportUntilAsync(notifications, bootstrap.Resource.Name, progressEvery, logger, started.Token);
            }

            _ = Task.Run(async () =>
            {
                using var _ = started;
                try
                {
                    var done = await notifications.WaitForResourceAsync(
                        bootstrap.Resource.Name,
                        u => KnownResourceStates.TerminalStates.Contains(u.Snapshot.State?.Text),
                        stopping);
                    if (done.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
                    {
                        await started.CancelAsync();
                        // A node it waits for failed (NodeFailures printed which and why): nothing waits forever.
                        logger.LogCritical(
                            "The lab is not ready: the cluster bootstrap did not start because a node or site agent it needs failed (named in this terminal with its last log lines). " +
                            "Fix that, then stop the lab (Ctrl+C) and run it again.");
                        return;
                    }

                    if (done.Snapshot.ExitCode is not 0)
                    {
                        await started.CancelAsync();
                        logger.LogCritical(
                            "The cluster bootstrap failed (exit code {Code}): the lab is not ready. Its console log in the dashboard " +
                            "(resource cluster-bootstrap) names the site and the cause; fix it, then restart cluster-bootstrap there.",
                            done.Snapshot.ExitCode);
                        return;
                    }

                    await notifications.WaitForResourceHealthyAsync(api.Resource.Name, stopping);
                    await started.CancelAsync();
                    logger.LogInformation("MediAI lab ready. {HowToConnect}", howToConnect);
                }
                catch (OperationCanceledException)
                {
                }
            }, stopping);
            return Task.CompletedTask;
        });
    }
}
