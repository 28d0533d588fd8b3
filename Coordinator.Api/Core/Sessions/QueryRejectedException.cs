namespace MediAI.Coordinator.Core.Sessions;

/// <summary>A request refused before it reached PostgreSQL: which field, and why.</summary>
public sealed class QueryRejectedException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
