using Npgsql;

namespace MediAI.Coordinator.Core.Sessions;

/// <summary>A fragment PostgreSQL could not read (a missing view, a bad SELECT).</summary>
public sealed class FragmentException(string field, PostgresException inner) : Exception(inner.MessageText, inner)
{
    public string Field { get; } = field;
    public PostgresException PostgresError { get; } = inner;
}
