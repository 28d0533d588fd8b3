namespace MediAI.Coordinator.Core.Grading;

/// <summary>Grades one question against the lab.</summary>
public delegate Task<Verdict> Grader(GradeContext context);

/// <summary>How the checker treats a question's SQL file.</summary>
public enum FileMode
{
    /// <summary>Not run: the checker looks at what the student's own run left in the lab (Part 4, which commits and needs faults injected by hand).</summary>
    State,

    /// <summary>Run in one transaction that is rolled back: the views and tables it creates are checked, then gone.</summary>
    RolledBack,

    /// <summary>Run statement by statement in autocommit, as psql does: for files that only read. (Citus runs a
    /// repartition join inside a transaction block far slower — 19 s instead of under 1 s here.)</summary>
    Autocommit,
}

/// <summary>
/// A question of the lab: where the student answers it (a section of a SQL file and/or of
/// answers.md, both marked [Id]), whether it needs Citus, how its file is run, and how it is graded.
/// </summary>
public sealed record Question(string Id, int Part, string Title, string? SqlFile, bool Answer, bool NeedsCitus, FileMode Mode, Grader Grade)
{
    public bool RunsFile => Mode != FileMode.State;
}
