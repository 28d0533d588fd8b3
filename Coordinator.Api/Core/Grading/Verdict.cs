namespace MediAI.Coordinator.Core.Grading;

public enum Outcome
{
    Pass,
    Fail,
    Skipped,
}

/// <summary>How a question went, and the reasons a student can act on.</summary>
public sealed record Verdict(Outcome Outcome, IReadOnlyList<string> Reasons)
{
    public static Verdict Pass(string note) => new(Outcome.Pass, [note]);

    public static Verdict Fail(params IEnumerable<string> reasons) => new(Outcome.Fail, [.. reasons]);

    public static Verdict Skip(string reason) => new(Outcome.Skipped, [reason]);

    /// <summary>Pass when no reason was found against it.</summary>
    public static Verdict From(IReadOnlyCollection<string> problems, string note) => problems.Count == 0 ? Pass(note) : Fail(problems);
}
