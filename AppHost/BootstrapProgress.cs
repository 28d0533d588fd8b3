using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MediAI.AppHost;

/// <summary>The bootstrap's current step, as a row of its own under cluster-bootstrap in the dashboard.</summary>
public sealed class BootstrapProgressResource(string name) : Resource(name);

/// <summary>
/// Shows what the bootstrap is doing while it works ("6/8 placing Japan at Tokyo"), in a row of its
/// own under cluster-bootstrap (DCP owns the bootstrap process's own row and rewrites it on every
/// change). The step goes in the Source column, which the dashboard shows as written; the State
/// column would humanize it ("1 6 placing japan at tokyo").
/// </summary>
public static class BootstrapProgress
{
    public static IResourceBuilder<ExecutableResource> WithProgressRow(this IResourceBuilder<ExecutableResource> bootstrap)
    {
        var builder = bootstrap.ApplicationBuilder;
        var progress = builder.AddResource(new BootstrapProgressResource("bootstrap-progress"))
            .WithParentRelationship(bootstrap)
            .WithIconName("TaskListLtr")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Progress",
                State = new ResourceStateSnapshot(KnownResourceStates.Waiting, KnownResourceStateStyles.Info),
                Properties = [new(CustomResourceKnownProperties.Source, "waiting for the nodes")],
            })
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var logs = e.Services.GetRequiredService<ResourceLoggerService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            Task Show(string state, string style, string? step = null) =>
                notifications.PublishUpdateAsync(progress.Resource, s => s with
                {
                    State = new ResourceStateSnapshot(state, style),
                    Properties = step is null ? s.Properties : [.. s.Properties.Where(p => p.Name != CustomResourceKnownProperties.Source), new(CustomResourceKnownProperties.Source, step)],
                });

            // Each step the bootstrap logs (a restart from the dashboard logs them again).
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(bootstrap.Resource).WithCancellation(stopping))
                    {
                        // Every step, not only a batch's last: the row's history is the bootstrap's story.
                        foreach (var step in batch.Select(l => BootstrapProgressLine.Read(l.Content)).OfType<string>())
                        {
                            var done = step.StartsWith("done", StringComparison.Ordinal);
                            await Show(done ? KnownResourceStates.Finished : KnownResourceStates.Running, done ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Info, step);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, stopping);

            // Its end: done, or failed with where to look.
            _ = Task.Run(async () =>
            {
                try
                {
                    while (!stopping.IsCancellationRequested)
                    {
                        var end = await notifications.WaitForResourceAsync(
                            bootstrap.Resource.Name,
                            u => KnownResourceStates.TerminalStates.Contains(u.Snapshot.State?.Text),
                            stopping);
                        if (end.Snapshot.ExitCode is not 0)
                        {
                            var why = end.Snapshot.State?.Text == KnownResourceStates.FailedToStart
                                ? "did not start: a node or site agent it needs failed (see the terminal)"
                                : $"failed (exit code {end.Snapshot.ExitCode}): see cluster-bootstrap's console log";
                            await Show("Failed", KnownResourceStateStyles.Error, why);
                        }
                        else
                        {
                            await Show(KnownResourceStates.Finished, KnownResourceStateStyles.Success);
                        }

                        // A restart from the dashboard runs it again: wait until it runs, then for its end.
                        await notifications.WaitForResourceAsync(bootstrap.Resource.Name, KnownResourceStates.Running, stopping);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, stopping);
            return Task.CompletedTask;
        });

        return bootstrap;
    }
}
