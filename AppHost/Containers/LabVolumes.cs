using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Containers;

/// <summary>
/// Where container mode keeps the nodes' data between runs: one named volume per site, named
/// after the PostgreSQL major version that wrote it (mediai-lab-paris-pg16). A volume made by
/// another major version is never handed to a server that cannot read it: the lab starts on a
/// volume of its own and says how to get back to the old one. Nothing is deleted unless the
/// student asks (--Lab:Fresh=true).
/// </summary>
public static class LabVolumes
{
    public static string NameFor(string prefix, LabSite site, NodeImage image) =>
        image.PostgresMajor is { } major ? $"{prefix}-{site.Name}-pg{major}" : $"{prefix}-{site.Name}";

    /// <summary>The lab's volumes that exist now (any version).</summary>
    public static IReadOnlyList<string> Existing(string prefix)
    {
        var list = DockerCli.Run("volume", "ls", "--quiet", "--filter", $"name=^{prefix}-");
        return list.Ok
            ? list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(v => LabSites.Running(withSpare: true).Any(s => v == $"{prefix}-{s.Name}" || v.StartsWith($"{prefix}-{s.Name}-", StringComparison.Ordinal)))
                .ToList()
            : [];
    }

    /// <summary>
    /// Before the nodes start: with --Lab:Fresh=true, removes this image's volumes so the lab starts
    /// as on the first day; then names kept volumes this image will not use (another PostgreSQL
    /// major) and what to do about them.
    /// </summary>
    public static void Prepare(string prefix, NodeImage image, bool fresh, ILogger logger)
    {
        var mine = LabSites.Running(withSpare: true).Select(s => NameFor(prefix, s, image)).ToHashSet();
        var existing = Existing(prefix);
        if (fresh)
        {
            RemoveForFreshStart(existing.Where(mine.Contains).ToList(), logger);
        }

        var others = existing.Where(v => !mine.Contains(v)).ToList();
        if (others.Count > 0)
        {
            logger.LogWarning(
                "Kept lab data from another PostgreSQL version is left untouched: {Volumes}. This image ({Image}) keeps its data " +
                "in {Mine}. To go back to the old data, run the lab with the image that made it (--Lab:Image=…); to delete it: " +
                "docker volume rm {Volumes}",
                string.Join(", ", others), image, string.Join(", ", mine.Order()), string.Join(" ", others));
        }
    }

    private static void RemoveForFreshStart(List<string> remove, ILogger logger)
    {
        if (remove.Count == 0)
        {
            logger.LogInformation("Fresh start: no kept data to remove");
            return;
        }

        var result = DockerCli.Run(["volume", "rm", .. remove]);
        if (!result.Ok)
        {
            throw new LabSetupException(
                $"Fresh start: could not remove {string.Join(", ", remove)}: {result.Error}. " +
                "Is another lab still running? Stop it (Ctrl+C in its terminal), then run again.");
        }

        logger.LogWarning("Fresh start: removed the kept data ({Volumes}); the lab starts with the seeded data", string.Join(", ", remove));
    }
}
