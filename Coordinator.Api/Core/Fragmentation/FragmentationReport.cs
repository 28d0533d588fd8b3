namespace MediAI.Coordinator.Core.Fragmentation;

/// <summary>One property checked, and the rows that break it.</summary>
public sealed record PropertyCheck(string Property, bool Passed, string Explanation, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> OffendingRows);

/// <summary>The verdict on a fragmentation.</summary>
public sealed record FragmentationReport(string Table, string Type, bool Passed, IReadOnlyList<PropertyCheck> Checks);
