namespace MediAI.Coordinator.Bootstrap;

/// <summary>A step of forming the cluster failed at one site: says which, and what to do.</summary>
public sealed class SiteException(string city, string message, Exception inner) : Exception($"{city}: {message}", inner)
{
    public string City { get; } = city;
}
