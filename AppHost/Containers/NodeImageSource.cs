using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Containers;

/// <summary>
/// Gets the node image onto this machine before anything waits on it: already here, else loaded
/// from the classroom kit (--Lab:ImageFile), else pulled (through --Lab:Registry when given) with
/// progress and a stall timeout. Runs before the app model is built, so that a lab that cannot get
/// its image can still choose local mode instead of four nodes that never start.
/// </summary>
public static class NodeImageSource
{
    /// <summary>Null when the image is here (now); else one message: what went wrong and the ways out.</summary>
    public static string? Ensure(LabOptions options, ILogger logger) => Acquire(options, logger).Failure;

    /// <summary>How the image came to be here (shown in the dashboard's node-image row), or why it could not.</summary>
    public static (string? Failure, string Source) Acquire(LabOptions options, ILogger logger)
    {
        var wanted = options.Image;
        if (NodeImage.Inspect(wanted).Present)
        {
            return (null, "already on this machine");
        }

        string how, why, size = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (options.ImageFile is { } file)
        {
            how = $"loaded from {file}";
            why = ImageKit.Load(file, wanted, logger) ?? Verify(wanted, "the kit holds a different image") ?? "";
        }
        else
        {
            var source = options.Registry is { } registry ? ImageReference.AtRegistry(wanted, registry) : wanted;
            how = options.Registry is null ? "pulled" : $"pulled from the mirror {options.Registry}";
            var pull = new ImagePull(logger, TimeSpan.FromSeconds(Math.Max(1, options.PullTimeout)))
                .PullAsync(source, CancellationToken.None).GetAwaiter().GetResult();
            why = pull.Error ?? (source == wanted ? "" : FromMirror(source, wanted) ?? "");
            size = $" ({pull.Bytes / 1_000_000} MB)";
        }

        return why.Length == 0
            ? (null, $"{how}{size} in {clock.Elapsed.TotalSeconds:0} s")
            : (Explain(wanted, how, why), "");
    }

    /// <summary>--Lab:SaveImage=FILE: the image (pulled first if needed) written as a kit; the exit code.</summary>
    public static int SaveKit(LabOptions options, string file, ILogger logger)
    {
        if (ContainerRuntimeProbe.Check() != EngineState.Running)
        {
            logger.LogCritical("Writing the offline kit needs the container engine: {What}", ContainerRuntimeProbe.EngineNotRunning);
            return 1;
        }

        if (Ensure(options, logger) is { } failure)
        {
            logger.LogCritical("{Failure}", failure);
            return 1;
        }

        var error = ImageKit.SaveAsync(options.Image, file, logger, CancellationToken.None).GetAwaiter().GetResult();
        if (error is not null)
        {
            logger.LogCritical("{Error}", error);
            return 1;
        }

        return 0;
    }

    /// <summary>The mirror's copy, checked, then named as the lab knows it; the mirror's name is dropped either way.</summary>
    private static string? FromMirror(string source, string wanted)
    {
        var mismatch = ImageExpectation.Mismatch(wanted, NodeImage.Inspect(source));
        if (mismatch is null)
        {
            var tag = DockerCli.Run("tag", source, wanted);
            mismatch = tag.Ok ? null : $"could not name it {wanted}: {tag.Error}";
        }

        DockerCli.Run("image", "rm", source);
        return mismatch is null ? null : $"the mirror served a different image: {mismatch}";
    }

    /// <summary>An image now present under <paramref name="wanted"/> that is not what it claims is removed again, so no later run uses it.</summary>
    private static string? Verify(string wanted, string what)
    {
        var mismatch = ImageExpectation.Mismatch(wanted, NodeImage.Inspect(wanted));
        if (mismatch is null)
        {
            return null;
        }

        DockerCli.Run("image", "rm", wanted);
        return $"{what}: {mismatch}";
    }

    private static string Explain(string wanted, string how, string why)
    {
        var full = why.Contains("no space left on device", StringComparison.OrdinalIgnoreCase)
            ? $"The container engine has no room left for the image (about 400 MB): free some (docker system prune removes unused images and " +
              $"containers; Docker Desktop: Settings > Resources > disk limit), then run the lab again. "
            : "";
        // One line (the terminal's log lines are single-line): the ways out numbered.
        return $"{full}The node image {wanted} is not on this machine, and it could not be {how}: {why}. Ways out: " +
               $"(1) pull it once on another network (home, a phone's hotspot): docker pull {wanted}; " +
               "(2) load it from a classroom kit file: dotnet run --project AppHost -- --Lab:ImageFile=PATH (your professor writes it with --Lab:SaveImage=PATH); " +
               "(3) pull it through a registry mirror: --Lab:Registry=HOST:PORT; " +
               "(4) run the nodes as local PostgreSQL processes: --Lab:Mode=local";
    }
}
