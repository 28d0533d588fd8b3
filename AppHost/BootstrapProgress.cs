using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MediAI.AppHost;

/// <summary>The bootstrap's current step, as a row of its own under cluster-bootstrap in the dashboard.</summary>
public sealed class BootstrapProgressResource(string name) : Resource(name);

/// <summary>
/// Shows what the bootstrap is doing while it works ("placing Japan at Tokyo, 6/8"), in the
/// resources table's State column. A row of its own because DCP owns the State of the bootstrap's
/// process (it rewrites it on every change); this row's State is the lab's alone.
/// </summary>
public static class BootstrapProgress
{
    public static IResourceBuilder<ExecutableResource> WithProgressRow(this IResourceBuilder<ExecutableResource> bootstrap)
    {
        var builder = bootstrap.ApplicationBuilder;
        var progress = builder.AddResource(new BootstrapProgressResource(bootstrap.Resource.Name + "-progress"))
            .WithParentRelationship(bootstrap)
            .WithIconName("TaskListLtr")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Progress",
                State = new ResourceStateSnapshot("waiting for the nodes", KnownResourceStateStyles.Info),
                Properties = [],
            })
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var logs = e.Services.GetRequiredService<ResourceLoggerService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            Task Show(string text, string style) =>
                notifications.PublishUpdateAsync(progress.Resource, s => s with { State = new ResourceStateSnapshot(text, style) });

            // Each step the bootstrap logs (a restart from the dashboard logs them again).
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(bootstrap.Resource).WithCancellation(stopping))
                    {
                        if (batch.Select(l => BootstrapProgressLine.Read(l.Content)).LastOrDefault(s => s is not null) is { } step)
                        {
                            await Show(step, step.StartsWith("done", StringComparison.Ordinal) ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Info);
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
                            await Show($"failed (exit code {end.Snapshot.ExitCode}): see cluster-bootstrap's console log", KnownResourceStateStyles.Error);
                        }
                        else
                        {
                            // The last step logged is "done: …"; mark it finished in green.
                            await notifications.PublishUpdateAsync(progress.Resource, s => s with
                            {
                                State = new ResourceStateSnapshot(s.State?.Text ?? "done", KnownResourceStateStyles.Success),
                            });
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
