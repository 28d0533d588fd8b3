namespace MediAI.Coordinator.Core.Sessions;

/// <summary>What one traced query may cost ("Lab:Queries" configuration).</summary>
public sealed class QueryLimits
{
    public const string Section = "Lab:Queries";

    /// <summary>Rows answered at most; the answer says when there were more.</summary>
    public int MaxRows { get; set; } = 500;

    /// <summary>statement_timeout for each query, in milliseconds.</summary>
    public int TimeoutMs { get; set; } = 10_000;

    /// <summary>Longest SQL text accepted.</summary>
    public int MaxSqlLength { get; set; } = 16_384;
}
