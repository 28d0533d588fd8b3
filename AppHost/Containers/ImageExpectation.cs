namespace MediAI.AppHost.Containers;

/// <summary>
/// Is the image that arrived (from a mirror or a kit) the one asked for? The lab cannot know every
/// image's digest, but it knows what a node image must declare: a PostgreSQL major version, and,
/// for a Citus image whose tag is a version, that Citus version.
/// </summary>
public static class ImageExpectation
{
    /// <summary>Null when <paramref name="arrived"/> fits <paramref name="wanted"/>; else what differs.</summary>
    public static string? Mismatch(string wanted, NodeImage arrived)
    {
        if (arrived.PostgresMajor is null)
        {
            return $"it is not a PostgreSQL node image (it sets no PG_MAJOR)";
        }

        var (repository, tag) = ImageReference.Split(wanted);
        var citusTag = repository.Contains("citus", StringComparison.OrdinalIgnoreCase) && char.IsAsciiDigit(tag.FirstOrDefault());
        if (citusTag && !(arrived.CitusVersion?.StartsWith(tag, StringComparison.Ordinal) ?? false))
        {
            return $"its tag says Citus {tag}, but it holds {(arrived.CitusVersion is { } v ? "Citus " + v : "no Citus")} (PostgreSQL {arrived.PostgresMajor})";
        }

        return wanted == NodeImage.Default && arrived.PostgresMajor != 16
            ? $"{NodeImage.Default} is PostgreSQL 16, and this one is PostgreSQL {arrived.PostgresMajor}"
            : null;
    }
}
