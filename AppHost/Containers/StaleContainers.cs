using System.Diagnostics;
using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Containers;

/// <summary>
/// The handout's container names (citus_master, …) are unique on the engine. A lab killed hard
/// (its terminal closed, the laptop put to sleep mid-start) can leave its containers behind,
/// and the next start would fail on the name. Such a container is replaced: its data lives in
/// the site's volume, not in the container. A container of a lab that is still running, or one
/// the lab did not make, is left alone and named in the message.
/// </summary>
public static class StaleContainers
{
    /// <summary>The label every node container gets: the id of the AppHost process that made it.</summary>
    public const string OwnerLabel = "org.mediai.lab.apphost-pid";

    public static void Clear(ILogger logger)
    {
        // One question to the engine for the four names: "name<TAB>owner" for those that exist.
        var names = LabSites.Running(withSpare: true).Select(s => s.ContainerName).ToHashSet();
        var list = DockerCli.Run("ps", "--all", "--filter", "name=citus_", "--format", $"{{{{.Names}}}}\t{{{{.Label \"{OwnerLabel}\"}}}}");
        var found = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(f => names.Contains(f[0]));
        foreach (var fields in found)
        {
            var container = fields[0];
            if (!int.TryParse(fields.ElementAtOrDefault(1), out var owner))
            {
                throw new LabSetupException(
                    $"A container named {container} exists that this lab did not create. Remove it " +
                    $"(docker rm -f {container}) or rename it (docker rename {container} other-name), then run the lab again.");
            }

            if (IsAlive(owner))
            {
                throw new LabSetupException(
                    $"Another MediAI lab is running (AppHost process {owner} owns {container}). Stop it first " +
                    "(Ctrl+C in its terminal), or use that one.");
            }

            Remove(container);

            logger.LogWarning(
                "Replaced {Container}, left behind by a lab that did not stop cleanly (process {Owner}); its data is kept in the site's volume",
                container, owner);
        }
    }

    /// <summary>
    /// A lab that just stopped leaves its removal to DCP, which outlives the AppHost by about a
    /// second: a lab started at once (Ctrl+C, then run again) finds the old containers with a
    /// dead owner while the engine is removing them, and its own `rm` is refused ("removal …
    /// already in progress"). That is not a failure: wait, briefly, for the container to go.
    /// </summary>
    private static void Remove(string container)
    {
        var deadline = DateTime.UtcNow + RemovalWait;
        while (true)
        {
            var remove = DockerCli.Run("rm", "--force", container);
            if (remove.Ok || !DockerCli.Run("container", "inspect", "--format", "{{.Id}}", container).Ok)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new LabSetupException($"Could not remove the stale container {container}: {remove.Error}. Remove it by hand: docker rm -f {container}");
            }

            Thread.Sleep(RemovalPoll);
        }
    }

    private static readonly TimeSpan RemovalWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RemovalPoll = TimeSpan.FromMilliseconds(250);

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true; // this very process runs a lab already (a test host running two)
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName is "dotnet" or "AppHost";
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
