namespace MediAI.Coordinator.Core.Fragmentation;

/// <summary>
/// Fragments of a table to check. Each fragment is a view or table name, or one SELECT.
/// Horizontal and vertical: <see cref="Fragments"/>. Hybrid: <see cref="Groups"/>, one group per
/// horizontal fragment holding its vertical fragments (e.g. [["Trans_FR_Financial", "Trans_FR_Management"], …]).
/// </summary>
public sealed class FragmentationRequest
{
    public string? Table { get; set; }

    /// <summary>horizontal, vertical or hybrid.</summary>
    public string? Type { get; set; }

    public List<string>? Fragments { get; set; }
    public List<List<string>>? Groups { get; set; }

    /// <summary>Vertical and hybrid: the columns the fragments join on (default: the table's primary key columns every fragment has).</summary>
    public List<string>? Key { get; set; }

    /// <summary>
    /// Hybrid: columns fixed by each group's horizontal predicate (e.g. ["country"] for
    /// WHERE country = 'France'), which its fragments may leave out; the other columns are compared.
    /// </summary>
    public List<string>? Implied { get; set; }
}
