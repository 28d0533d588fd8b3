using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>One question's grade.</summary>
public sealed record QuestionResult(string Id, int Part, string Title, string? File, Outcome Outcome, IReadOnlyList<string> Reasons);

/// <summary>A folder graded against a lab: for a terminal, or as JSON for a classroom autograder.</summary>
public sealed record CheckReport(string Folder, string Lab, string Server, string? Citus, IReadOnlyList<QuestionResult> Questions)
{
    /// <summary>The checker's JSON (camelCase, enums as words, + and ' kept): the report, and the class gradebook.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for machines and people: keep + and ' as they are
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public int Passed => Questions.Count(q => q.Outcome == Outcome.Pass);
    public int Failed => Questions.Count(q => q.Outcome == Outcome.Fail);
    public int Skipped => Questions.Count(q => q.Outcome == Outcome.Skipped);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"MediAI lab checker: {Folder} against {Lab} (PostgreSQL {Server}{(Citus is null ? ", no Citus" : $", Citus {Citus}")})");
        foreach (var part in Questions.GroupBy(q => q.Part))
        {
            text.AppendLine().AppendLine(LabQuestions.PartTitle(part.Key));
            foreach (var q in part)
            {
                var mark = q.Outcome switch { Outcome.Pass => "PASS", Outcome.Fail => "FAIL", _ => "SKIP" };
                text.AppendLine(CultureInfo.InvariantCulture, $"  {mark}  {q.Id,-5} {q.Title}");
                foreach (var reason in q.Outcome == Outcome.Pass ? q.Reasons.Take(0) : q.Reasons)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"              - {reason}");
                }
            }
        }

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed, {Skipped} skipped, of {Questions.Count} questions.");
        return text.ToString();
    }
}
