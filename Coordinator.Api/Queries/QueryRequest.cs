using System.Text.Json;

namespace MediAI.Coordinator.Queries;

/// <summary>One read-only SQL statement and the values of its $1, $2, … parameters.</summary>
public sealed class QueryRequest
{
    public string? Sql { get; set; }
    public List<JsonElement>? Parameters { get; set; }

    /// <summary>JSON values as the .NET values Npgsql binds (text, numbers, booleans, null).</summary>
    public object[] BoundValues() => (Parameters ?? []).Select(p => p.ValueKind switch
    {
        JsonValueKind.String => (object)p.GetString()!,
        JsonValueKind.Number when p.TryGetInt64(out var l) => l,
        JsonValueKind.Number => p.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => DBNull.Value,
        _ => p.GetRawText(),
    }).ToArray();
}
