using MediAI.Coordinator.Core.Cluster;
using Microsoft.Extensions.Options;

namespace MediAI.Coordinator.Bootstrap;

/// <summary>
/// "Coordinator.Api bootstrap": forms the cluster and exits. The AppHost runs it as the
/// cluster-bootstrap resource, so its progress and outcome show in the dashboard
/// (Finished, or exited with the failing site in its logs).
/// </summary>
public static class BootstrapCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(Options.Create(await LabClusterOptions.ResolveAsync(builder.Configuration, CancellationToken.None)));
        builder.Services.AddSingleton<ClusterBootstrapper>();
        // Roles are created with a password: never in a span's SQL text.
        Telemetry.PasswordRedaction.AddTo(builder.Services);
        using var host = builder.Build();
        await host.StartAsync();
        var logger = host.Services.GetRequiredService<ILogger<ClusterBootstrapper>>();
        try
        {
            var report = await host.Services.GetRequiredService<ClusterBootstrapper>().RunAsync(CancellationToken.None);
            logger.LogInformation("Bootstrap done ({Mode}{Seeded})",
                report.Citus ? $"Citus {report.CitusVersion}" : "plain PostgreSQL",
                report.Seeded ? ", seed loaded" : "");
            return 0;
        }
        catch (Exception e) when (e is SiteException or FileNotFoundException or InvalidOperationException)
        {
            logger.LogError("Bootstrap failed at {Message}", e.Message);
            return 1;
        }
        finally
        {
            // Flushes the bootstrap's telemetry to the dashboard before the process ends.
            await host.StopAsync();
        }
    }
}
