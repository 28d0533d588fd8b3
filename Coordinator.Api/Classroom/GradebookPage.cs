using System.Globalization;
using System.Net;
using System.Text;
using MediAI.Coordinator.Core.Grading;

namespace MediAI.Coordinator.Classroom;

/// <summary>The gradebook's one-page summary: the pass rate of each question, and who needs help.</summary>
public static class GradebookPage
{
    public static string Render(Gradebook book)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>MediAI Lab — class gradebook</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 70rem; color: #222; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
            th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
            .bar { background: #e8e8e8; width: 12rem; height: .9rem; display: inline-block; }
            .bar span { background: #2e7d32; height: 100%; display: block; }
            .low span { background: #c62828; }
            .muted { color: #777; }
            </style></head><body>
            <h1>MediAI Lab — class gradebook</h1>
            <p>{{Students(book.Students.Count)}} graded against {{E(book.Lab)}}{{(book.Deadline is { } at ? $", each at its last commit before {at:yyyy-MM-dd HH:mm zzz}" : ", each at its HEAD")}}, {{book.GradedAt:yyyy-MM-dd HH:mm}} UTC.
            Every reason is in <code>{{Gradebook.CsvFile}}</code> and <code>{{Gradebook.JsonFile}}</code>.</p>
            <h2>Pass rate per question</h2>
            <p class="muted">Over the folders that could be graded{{(book.Students.Count(s => s.Problem is not null) is > 0 and var ungraded ? $" ({ungraded} could not be: see below)" : "")}}; a question skipped for everyone shows as not graded.</p>
            <table><tr><th>Question</th><th></th><th>Passed</th><th></th></tr>
            """);
        foreach (var (q, passed, graded) in book.PassRates())
        {
            var rate = graded == 0 ? 0 : (double)passed / graded;
            html.Append(CultureInfo.InvariantCulture, $"""<tr><td>{E(q.Id)}</td><td>{E(q.Title)}</td><td>{(graded == 0 ? "<span class=\"muted\">not graded</span>" : $"{passed}/{graded}")}</td>""")
                .Append(CultureInfo.InvariantCulture, $"""<td><span class="bar{(rate < Gradebook.HelpBelow ? " low" : "")}"><span style="width:{rate * 100:0}%"></span></span> {rate * 100:0}%</td></tr>""").Append('\n');
        }

        html.Append("</table>\n<h2>Students who need help</h2>\n");
        var help = book.NeedHelp().ToList();
        if (help.Count == 0)
        {
            html.Append("<p>Everyone passed at least half of the questions graded.</p>\n");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Those who passed less than {Gradebook.HelpBelow:P0} of the questions graded, and folders that could not be graded.</p>\n")
                .Append("<table><tr><th>Student</th><th>Passed</th><th>Commits</th><th>First questions failed</th></tr>\n");
            foreach (var s in help)
            {
                var failed = s.Problem ?? string.Join(", ", s.Questions.Where(q => q.Outcome == Outcome.Fail).Take(8).Select(q => q.Id));
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Student)}</td><td>{s.Passed}/{s.Passed + s.Failed}</td><td>{s.Commits}{(s.CommitsAfterDeadline > 0 ? $" <span class=\"muted\">(+{s.CommitsAfterDeadline} after)</span>" : "")}</td><td>{E(failed)}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        // The handout's rules: flags for the professor to look at, not grades.
        html.Append("<h2>Flags (the handout's rules)</h2>\n");
        var flagged = book.Students.Where(s => s.SolutionsFlag.Length > 0 || s.LateBurst == true).ToList();
        if (flagged.Count == 0)
        {
            html.Append("<p>No student modified <code>solutions/</code>, and none committed everything just before the deadline.</p>\n");
        }
        else
        {
            html.Append("<p class=\"muted\">Neither flag changes a grade. <code>solutions/</code>: files changed since the assignment's first commit (or the template's version of it). Late burst: every commit in the last minutes before the deadline.</p>\n")
                .Append("<table><tr><th>Student</th><th>solutions/ modified</th><th>Late burst</th></tr>\n");
            foreach (var s in flagged)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Student)}</td><td>{E(s.SolutionsFlag)}</td><td>{(s.LateBurst == true ? "every commit just before the deadline" : "")}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("<h2>Every student</h2>\n<table><tr><th>Student</th><th>Passed</th><th>Points</th><th>Mark /20</th><th>Commit graded</th><th>Commits</th></tr>\n");
        foreach (var s in book.Students)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Student)}</td><td>{s.Passed}/{s.Passed + s.Failed}</td><td>{s.Points}/{s.PointsPossible}</td><td>{s.Mark:0.0}</td><td><code>{E(s.Commit?[..Math.Min(8, s.Commit.Length)] ?? "—")}</code> {s.CommitDate:yyyy-MM-dd HH:mm}</td><td>{s.Commits}{(s.CommitsAfterDeadline > 0 ? $" <span class=\"muted\">(+{s.CommitsAfterDeadline} after the deadline)</span>" : "")}</td></tr>\n");
        }

        return html.Append("</table>\n</body></html>\n").ToString();
    }

    private static string Students(int count) => count == 1 ? "1 student" : $"{count} students";
}
