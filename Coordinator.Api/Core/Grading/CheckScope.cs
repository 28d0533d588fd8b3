namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// Which questions a run grades, and how: a student checking their own folder grades everything as
/// the lab's user; class grading runs each student's SQL as a role of their own, in a schema of
/// their own (<see cref="Sandboxed"/>), in two passes (Part 4 replayed apart), and leaves out what
/// the class's shared lab cannot grade per student.
/// </summary>
/// <param name="Includes">The questions graded in this run.</param>
/// <param name="Skips">Questions reported as skipped, with the reason, instead of graded.</param>
/// <param name="Sandboxed">The session is the student's own role with its own schema first in search_path.</param>
/// <param name="Errors">What PostgreSQL answered when the student's files ran before grading (Part 4 replayed), by question: each fails with its errors.</param>
public sealed record CheckScope(Func<Question, bool> Includes, IReadOnlyDictionary<string, string> Skips, bool Sandboxed, IReadOnlyDictionary<string, IReadOnlyList<string>>? Errors = null)
{
    public static readonly CheckScope Everything = new(_ => true, new Dictionary<string, string>(), Sandboxed: false);

    /// <summary>The lab's own tables: a student's schema holding one of these names would hide it from the graders.</summary>
    public static readonly string[] LabTables = ["patients", "medicalrecords", "trainingdata", "transactions", "lab_sites", "lab_spare_sites"];
}
