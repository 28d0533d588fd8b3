using System.Globalization;
using System.Text;
using System.Text.Json;
using MediAI.Coordinator.Core.Grading;

namespace MediAI.Coordinator.Classroom;

/// <summary>What the professor gets: one row per student and question (CSV and JSON), one row per student with points and mark (marks.csv), and a one-page summary (HTML).</summary>
/// <param name="Lab">The lab graded against (host:port/database, PostgreSQL and Citus versions).</param>
/// <param name="Deadline">The --at given, if any.</param>
/// <param name="PointsPerQuestion">What each question is worth (exercises/points.json).</param>
public sealed record Gradebook(string Lab, DateTimeOffset? Deadline, DateTimeOffset GradedAt, IReadOnlyList<StudentGrade> Students, IReadOnlyDictionary<string, int> PointsPerQuestion)
{
    public const string CsvFile = "gradebook.csv";
    public const string JsonFile = "gradebook.json";
    public const string HtmlFile = "summary.html";

    /// <summary>One row per student, for a learning platform's import: points, the mark out of 20, the flags.</summary>
    public const string MarksFile = "marks.csv";

    /// <summary>Below this share of passed questions (of those graded) a student is listed as needing help.</summary>
    public const double HelpBelow = 0.5;

    /// <summary>Pass rate per question over the students graded (skipped questions, and folders that could not be graded at all, not counted).</summary>
    public IEnumerable<(Question Question, int Passed, int Graded)> PassRates() =>
        LabQuestions.All.Select(q =>
        {
            var grades = Students.Where(s => s.Problem is null).SelectMany(s => s.Questions).Where(r => r.Id == q.Id && r.Outcome != Outcome.Skipped).ToList();
            return (q, grades.Count(r => r.Outcome == Outcome.Pass), grades.Count);
        });

    /// <summary>Students whose folder could not be graded, or who passed less than half of what was graded: fewest passes first.</summary>
    public IEnumerable<StudentGrade> NeedHelp() =>
        Students.Where(s => s.Problem is not null || s.Passed < HelpBelow * (s.Passed + s.Failed)).OrderBy(s => s.Passed).ThenBy(s => s.Student, StringComparer.Ordinal);

    /// <summary>The handout's rules, a line per flag: solutions/ modified (or not comparable), every commit just before the deadline. No grade changes.</summary>
    public IEnumerable<string> Flags(int burstMinutes) => Students.SelectMany(s => new[]
    {
        s.SolutionsFlag.Length == 0 ? null : s.SolutionsCannotCompare is null ? $"{s.Student}: solutions/ modified ({s.SolutionsFlag})" : $"{s.Student}: solutions/ {s.SolutionsFlag}",
        s.LateBurst == true ? $"{s.Student}: every commit in the {burstMinutes} minutes before the deadline (late burst)" : null,
    }.OfType<string>());

    public async Task WriteAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, CsvFile), ToCsv(), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, MarksFile), ToMarksCsv(), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(this, CheckReport.Json), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, HtmlFile), GradebookPage.Render(this), ct);
    }

    public string ToCsv()
    {
        var csv = new StringBuilder("student,commit,commit_date,commits,commits_after_deadline,solutions_modified,late_burst,question,part,outcome,points,reason\n");
        foreach (var s in Students)
        {
            foreach (var q in s.Questions)
            {
                csv.AppendJoin(',', [Cell(s.Student), Cell(s.Commit ?? ""), Cell(s.CommitDate?.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) ?? ""),
                    s.Commits.ToString(CultureInfo.InvariantCulture), s.CommitsAfterDeadline.ToString(CultureInfo.InvariantCulture),
                    Cell(s.SolutionsFlag), s.LateBurstFlag,
                    Cell(q.Id), q.Part.ToString(CultureInfo.InvariantCulture), q.Outcome.ToString().ToLowerInvariant(),
                    (q.Outcome == Outcome.Pass ? PointsPerQuestion.GetValueOrDefault(q.Id) : 0).ToString(CultureInfo.InvariantCulture), Cell(string.Join(" | ", q.Reasons))]).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>marks.csv: student (the clone's folder: their GitHub login with Classroom), points, points_possible, mark_20, the flags, and why a folder could not be graded.</summary>
    public string ToMarksCsv()
    {
        var csv = new StringBuilder("student,points,points_possible,mark_20,solutions_modified,late_burst,problem\n");
        foreach (var s in Students)
        {
            csv.AppendJoin(',', [Cell(s.Student), s.Points.ToString(CultureInfo.InvariantCulture), s.PointsPossible.ToString(CultureInfo.InvariantCulture),
                s.Mark.ToString("0.0", CultureInfo.InvariantCulture), Cell(s.SolutionsFlag), s.LateBurstFlag, Cell(s.Problem ?? "")]).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ is defused so no spreadsheet runs it as a formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
