using System.Text.Json;
using MediAI.AppHost.Setup;

namespace MediAI.AppHost.Containers;

/// <summary>
/// The image the nodes run, as the engine describes it: whether it is here, its PostgreSQL major
/// version (the kept volumes are named after it) and whether it carries Citus. Both images the
/// lab knows set these in their environment: citusdata/citus (PG_MAJOR from the postgres base,
/// CITUS_VERSION) and the lab's own node images (scripts/build-node-image.sh).
/// </summary>
public sealed record NodeImage(string Reference, bool Present, int? PostgresMajor, string? CitusVersion)
{
    /// <summary>The students' default: a patch tag, never "12.1", which moves (ARCHITECTURE.md, "Docker").</summary>
    public const string Default = LabOptions.DefaultImage;

    /// <summary>What <see cref="Default"/> is, for when it is not pulled yet: PostgreSQL 16.10 with Citus 12.1.10.</summary>
    private static readonly NodeImage DefaultDescription = new(Default, Present: false, PostgresMajor: 16, CitusVersion: "12.1.10");

    public bool HasCitus => CitusVersion is not null;

    /// <summary>Repository part of the reference (everything before the tag).</summary>
    public string Repository => ImageReference.Split(Reference).Repository;

    public string Tag => ImageReference.Split(Reference).Tag;

    public override string ToString() =>
        $"{Reference} (PostgreSQL {PostgresMajor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, " +
        $"{(HasCitus ? "Citus " + CitusVersion : "no Citus")}{(Present ? "" : ", not pulled yet")})";

    /// <summary>Asks the engine; an image that is not here is described from what the lab knows of it.</summary>
    public static NodeImage Inspect(string reference)
    {
        var inspect = DockerCli.Run("image", "inspect", "--format", "{{json .Config.Env}}", reference);
        if (!inspect.Ok)
        {
            return reference == Default ? DefaultDescription : new NodeImage(reference, false, null, null);
        }

        var env = JsonSerializer.Deserialize<string[]>(inspect.Output) ?? [];
        string? Get(string name) => env.Where(e => e.StartsWith(name + "=", StringComparison.Ordinal)).Select(e => e[(name.Length + 1)..]).LastOrDefault();
        var major = int.TryParse(Get("PG_MAJOR"), out var m) ? m : (int?)null;
        var citus = Get("CITUS_VERSION");
        return new NodeImage(reference, true, major, string.IsNullOrWhiteSpace(citus) ? null : citus.Split(".citus", 2)[0]);
    }
}
