using MediAI.AppHost.Containers;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// What the container tier needs: a running engine and the lab's node images, built locally
/// (no registry). It runs wherever they are and says plainly why it skipped elsewhere.
/// </summary>
public static class ContainerEngine
{
    /// <summary>The plain PostgreSQL node image (scripts/build-node-image.sh; .ci/run builds it).</summary>
    public static string PlainImage => Environment.GetEnvironmentVariable("MEDIAI_NODE_IMAGE") is { Length: > 0 } image ? image : "mediai/postgres-node:15";

    /// <summary>A Citus-capable node image, when one is here: MEDIAI_CITUS_NODE_IMAGE, else the students' default if pulled.</summary>
    public static string? CitusImage { get; } = new[] { Environment.GetEnvironmentVariable("MEDIAI_CITUS_NODE_IMAGE"), NodeImage.Default }
        .Where(i => !string.IsNullOrWhiteSpace(i))
        .Select(i => NodeImage.Inspect(i!))
        .FirstOrDefault(i => i.Present && i.HasCitus)?.Reference;

    private static readonly Lazy<string?> WhyNot = new(() =>
    {
        if (ContainerRuntimeProbe.Check() != EngineState.Running)
        {
            return "Container tier skipped: no container engine is running here (.ci/run installs and starts Docker; elsewhere start Docker and run the tests again).";
        }

        if (!NodeImage.Inspect(PlainImage).Present)
        {
            return $"Container tier skipped: the node image {PlainImage} is not built. Build it (root, about 3 min): scripts/build-node-image.sh";
        }

        var master = DockerCli.Run("container", "inspect", "--format", "{{.Name}}", "citus_master");
        return master.Ok
            ? "Container tier skipped: a container named citus_master exists (a MediAI lab is running on this engine); stop it and run the tests again."
            : null;
    });

    public static void Require() => Assert.SkipWhen(WhyNot.Value is not null, WhyNot.Value ?? "");

    public static void RequireCitus()
    {
        NeedsCitusAttribute.AssertOnCurrentTest();
        Require();
        Assert.SkipWhen(CitusImage is null,
            "Citus container checks skipped: no Citus-capable node image here. Pull citusdata/citus:12.1.10, or set MEDIAI_CITUS_NODE_IMAGE to a local image that sets CITUS_VERSION.");
    }

    public static DockerCli.Result Docker(params string[] args) => DockerCli.Run(TimeSpan.FromSeconds(60), args);

    /// <summary>The lab's node containers that exist now (running or not).</summary>
    public static IReadOnlyList<string> NodeContainers() =>
        Docker("ps", "--all", "--filter", "name=^citus_", "--format", "{{.Names}}").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void RemoveVolumes(string prefix)
    {
        var volumes = LabVolumes.Existing(prefix);
        if (volumes.Count > 0)
        {
            Docker(["volume", "rm", "--force", .. volumes]);
        }
    }
}
