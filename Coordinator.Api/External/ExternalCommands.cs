using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.External;

/// <summary>
/// The professor's commands for a cluster the lab shares, changing nothing or removing the lab:
/// <c>dotnet run --project Coordinator.Api -- plan --coordinator "Host=…;Username=…"</c> (the dry run)
/// and <c>… cleanup --coordinator "…" [--yes]</c>. The password comes from the connection string,
/// --Lab:CoordinatorPassword, or PGPASSWORD. Exit code 0 done, 1 a problem (said on one line), 2 refused.
/// </summary>
public static class ExternalCommands
{
    public const string Usage = "dotnet run --project Coordinator.Api --";

    public static Task<int> PlanAsync(string[] args) => SaidAsync("read the plan", () => PlanCoreAsync(args));

    public static Task<int> CleanupAsync(string[] args) => SaidAsync("finish the cleanup", () => CleanupCoreAsync(args));

    /// <summary>A failure once the cluster was found (a node gone, a drop refused) is one line saying what happened, not a stack trace.</summary>
    private static async Task<int> SaidAsync(string what, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await Console.Error.WriteLineAsync(
                $"Could not {what}: {e.Message}. Is the lab stopped, and every node up? Run the same command again once it is: it does only what is left.");
            return 1;
        }
    }

    private static async Task<int> PlanCoreAsync(string[] args)
    {
        var (found, lab) = await DiscoverAsync(args);
        var plan = await BootstrapPlan.ReadAsync(lab, found.Notes, CancellationToken.None);
        Console.WriteLine($"Dry run: nothing was changed. On the Citus {found.CitusVersion} cluster at {lab.Coordinator.Host}:{lab.Coordinator.Port}, the lab's bootstrap would:");
        Console.Write(plan.ToText());
        if (plan.Refusals.Any())
        {
            Console.WriteLine("The bootstrap will refuse to start until the lines marked ! are settled.");
            return 2;
        }

        Console.WriteLine($"To remove the lab later: {Usage} cleanup --coordinator \"…\" --yes");
        return 0;
    }

    private static async Task<int> CleanupCoreAsync(string[] args)
    {
        var apply = args.Contains("--yes");
        var (_, lab) = await DiscoverAsync([.. args.Where(a => a != "--yes")]);
        var said = await LabCleanup.RunAsync(lab, apply, CancellationToken.None);
        Console.WriteLine(apply
            ? $"Removed the lab from the cluster at {lab.Coordinator.Host}:{lab.Coordinator.Port}:"
            : $"Nothing was changed. On the cluster at {lab.Coordinator.Host}:{lab.Coordinator.Port}, the cleanup would remove:");
        foreach (var line in said)
        {
            Console.WriteLine("  " + line);
        }

        if (!apply)
        {
            Console.WriteLine($"Stop the lab first, then run the same command with --yes: the students' work in {LabSites.Database} goes with it.");
        }

        return 0;
    }

    private static async Task<(ExternalTopology Found, LabClusterOptions Lab)> DiscoverAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string> { ["--coordinator"] = $"ConnectionStrings:{CoordinatorOptions.ExternalCoordinator}" })
            .Build();
        var settings = configuration.GetSection(CoordinatorOptions.Section).Get<CoordinatorOptions>() ?? new CoordinatorOptions();
        // The AppHost's --Lab:Gateways:<site> (agents beside the nodes) is the services' Lab:ClusterAddresses.
        foreach (var gateway in configuration.GetSection("Lab:Gateways").GetChildren())
        {
            settings.ClusterAddresses[gateway.Key] = gateway.Value ?? "";
        }

        var found = await ExternalCluster.DiscoverAsync(ExternalCluster.ConnectionString(configuration, settings), CancellationToken.None);
        return (found, ExternalCluster.ToOptions(found, settings));
    }
}
