using System.Globalization;
using System.Text.Json;
using MediAI.Coordinator.Jobs;

namespace MediAI.Coordinator.Classroom;

/// <summary>A class grading's settings, from the request's JSON; each wrong one is named (400).</summary>
/// <param name="Folder">The folder holding one clone per student (its subfolders; names starting with _ or . are not students).</param>
/// <param name="At">The deadline: each clone is graded at its last commit before it. Null: at its HEAD.</param>
/// <param name="Out">Where the gradebook goes, and the record of what is graded already (a new run resumes from it).</param>
/// <param name="Parallel">Students graded at once (Parts 1–3 and 5; Part 4 is replayed one student at a time).</param>
/// <param name="TimeoutSeconds">The longest any one student statement may run.</param>
/// <param name="Template">A clone of the assignment's template: solutions/ is compared with the version of it each student was handed (null: each clone's first commit).</param>
/// <param name="BurstMinutes">A student all of whose commits lie in this many minutes before the deadline is flagged (late_burst).</param>
/// <param name="Points">The points file (null: the lab repository's exercises/points.json).</param>
/// <param name="OwnLab">The lab serves this one student alone (autograde, on a Classroom runner): what would move a shared lab's data (5.5's rebalance) is replayed and graded too.</param>
public sealed record ClassParameters(string Folder, DateTimeOffset? At, string Out, int Parallel, int TimeoutSeconds, string? Template = null, int BurstMinutes = LateBurst.DefaultMinutes, string? Points = null, bool OwnLab = false)
{
    public const string Example = "{\"folder\": \"/home/prof/class\", \"at\": \"2026-12-01 23:59\", \"parallel\": 2}";

    /// <summary>The gradebook's folder inside the class folder when none is given (not a student: it starts with _).</summary>
    public const string DefaultOut = "_gradebook";

    public static ClassParameters? From(JsonElement? json, Dictionary<string, string[]> errors)
    {
        var p = new JobParameters(json, errors, Example);
        var folder = p.Text("folder", f => Path.IsPathFullyQualified(f)
            ? Directory.Exists(f) ? null : $"there is no folder {f} on the machine that runs the lab"
            : "must be a full path (the lab's API reads it: it does not know your terminal's current folder)");
        DateTimeOffset? at = null;
        p.Text("at", a =>
        {
            at = ParseDeadline(a);
            return at is null ? "must be a date and time, \"2026-12-01 23:59\" (this machine's time zone) or ISO 8601 with an offset" : null;
        });
        var output = p.Text("out", o => Path.IsPathFullyQualified(o) ? null : "must be a full path");
        var parallel = p.WholeNumber("parallel", 2, 1, 8, "must be a whole number from 1 to 8");
        var timeout = p.WholeNumber("timeout", 60, 1, 600, "must be a whole number of seconds from 1 to 600");
        var template = p.Text("template", t => !Path.IsPathFullyQualified(t) ? "must be a full path"
            : !Directory.Exists(t) ? $"there is no folder {t} on the machine that runs the lab"
            : Directory.Exists(Path.Combine(t, ".git")) || File.Exists(Path.Combine(t, ".git")) ? null
            : $"{t} is not a git clone (no .git): clone the assignment's template repository there");
        var points = p.Text("points", f => Path.IsPathFullyQualified(f) ? null : "must be a full path");
        var burst = p.WholeNumber("burstMinutes", LateBurst.DefaultMinutes, 1, 10_080, "must be a whole number of minutes from 1 to 10080 (a week)");
        var ownLab = p.Boolean("ownLab", false, "must be true or false: true when the lab serves this one student alone (autograde)");
        if (folder is null && !errors.ContainsKey("folder"))
        {
            errors["folder"] = ["is required: the folder holding one clone per student"];
        }

        return errors.Count == 0 ? new ClassParameters(folder!, at, output ?? Path.Combine(folder!, DefaultOut), parallel, timeout, template, burst, points, ownLab) : null;
    }

    /// <summary>"2026-12-01 23:59" in this machine's time zone, or any ISO 8601 date with its offset.</summary>
    public static DateTimeOffset? ParseDeadline(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local) ? local
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var any) ? any
        : null;
}
