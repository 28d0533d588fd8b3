using MediAI.Coordinator.Core.Grading;

namespace MediAI.Coordinator.Classroom;

/// <summary>
/// One student's line of the gradebook: the commit graded (the last before the deadline), how many
/// commits led to it and how many came after, the questions' grades, or why the folder could not be
/// graded. Saved as each pass ends, so a run that stops resumes where it stopped.
/// </summary>
public sealed record StudentGrade
{
    public required string Student { get; init; }
    public string? Commit { get; init; }
    public DateTimeOffset? CommitDate { get; init; }
    public int Commits { get; init; }
    public int CommitsAfterDeadline { get; init; }

    /// <summary>The files under solutions/ the graded commit changed (the handout forbids it); null when <see cref="SolutionsCannotCompare"/> says why it cannot be told. A flag: no grade changes.</summary>
    public IReadOnlyList<string>? SolutionsModified { get; init; }

    public string? SolutionsCannotCompare { get; init; }

    /// <summary>Every commit of the student's in the last minutes before the deadline (null: no deadline given). A flag: no grade changes.</summary>
    public bool? LateBurst { get; init; }

    /// <summary>The late-burst flag as the CSVs show it: true, false, or empty without a deadline.</summary>
    public string LateBurstFlag => LateBurst switch { true => "true", false => "false", null => "" };

    /// <summary>The solutions/ flag as the CSV shows it: the files, or "cannot compare: …".</summary>
    public string SolutionsFlag => SolutionsCannotCompare is { } why ? $"cannot compare: {why}" : string.Join("; ", SolutionsModified ?? []);

    /// <summary>Why nothing of the folder could be graded (not a clone, no commit before the deadline …); each question fails with it.</summary>
    public string? Problem { get; init; }

    public IReadOnlyList<QuestionResult> Questions { get; init; } = [];

    /// <summary>Points earned (exercises/points.json: each question passed earns its points).</summary>
    public int Points { get; init; }

    /// <summary>Points at stake: those of the questions this lab grades (the same for the whole class).</summary>
    public int PointsPossible { get; init; }

    /// <summary>Out of 20, to one decimal: <see cref="Points"/> over <see cref="PointsPossible"/>.</summary>
    public double Mark => PointsPossible == 0 ? 0 : Math.Round(20.0 * Points / PointsPossible, 1, MidpointRounding.AwayFromZero);

    /// <summary>Parts 1–3, 5 and the reflections are graded (the first pass).</summary>
    public bool FirstPassDone { get; init; }

    /// <summary>Part 4 is replayed and graded (the second pass).</summary>
    public bool Part4Done { get; init; }

    /// <summary>What only the student's own lab may do (5.5's rebalance) is replayed and graded (the third pass, autograde's).</summary>
    public bool OwnLabDone { get; init; }

    public int Passed => Questions.Count(q => q.Outcome == Outcome.Pass);
    public int Failed => Questions.Count(q => q.Outcome == Outcome.Fail);

    /// <summary>Every question failing with the same reason: a folder that could not be graded at all.</summary>
    public static StudentGrade Ungradable(string student, string problem) => new()
    {
        Student = student,
        Problem = problem,
        Questions = [.. LabQuestions.All.Select(q => new QuestionResult(q.Id, q.Part, q.Title, q.SqlFile, Outcome.Fail, [problem]))],
        FirstPassDone = true,
        Part4Done = true,
        OwnLabDone = true,
    };

    /// <summary>This pass's grades in place of the same questions' earlier ones, in the lab's question order.</summary>
    public StudentGrade With(IEnumerable<QuestionResult> graded)
    {
        var byId = Questions.ToDictionary(q => q.Id);
        foreach (var q in graded)
        {
            byId[q.Id] = q;
        }

        return this with { Questions = [.. LabQuestions.All.Where(q => byId.ContainsKey(q.Id)).Select(q => byId[q.Id])] };
    }
}
