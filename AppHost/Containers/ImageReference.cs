namespace MediAI.AppHost.Containers;

/// <summary>Image references: registry/repository:tag, as the engine reads them.</summary>
public static class ImageReference
{
    /// <summary>registry:port/repo:tag → (registry:port/repo, tag): the tag is after the last ':' that follows the last '/'.</summary>
    public static (string Repository, string Tag) Split(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }

    /// <summary>
    /// The same image at a mirror: citusdata/citus:12.1.10 at 127.0.0.1:5000 → 127.0.0.1:5000/citusdata/citus:12.1.10.
    /// A registry already named in the reference (docker.io/…, ghcr.io/…) is replaced by the mirror.
    /// </summary>
    public static string AtRegistry(string reference, string registry)
    {
        var first = reference.Split('/', 2);
        var path = first.Length == 2 && LooksLikeRegistry(first[0]) ? first[1] : reference;
        return $"{registry.TrimEnd('/')}/{path}";
    }

    /// <summary>docker.io/citusdata/citus:12.1.10 and citusdata/citus:12.1.10 are one image (Docker Hub is the default registry).</summary>
    public static bool Same(string a, string b) => WithoutDockerHub(a) == WithoutDockerHub(b);

    private static string WithoutDockerHub(string reference) =>
        reference.StartsWith("docker.io/", StringComparison.Ordinal) ? reference["docker.io/".Length..] : reference;

    /// <summary>Docker's rule: the first part names a registry when it has a '.' or a ':', or is localhost.</summary>
    private static bool LooksLikeRegistry(string part) =>
        part.Contains('.', StringComparison.Ordinal) || part.Contains(':', StringComparison.Ordinal) || part == "localhost";
}
