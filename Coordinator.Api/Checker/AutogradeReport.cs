using System.Text.Json;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// One part of a one-student gradebook (gradebook.json), as an autograding step's log shows it: each
/// question with its outcome, points and reasons, then the part's points. The exit code is the
/// step's verdict: Classroom's command grader gives all of a step's max-score on 0, nothing otherwise.
/// </summary>
public static class AutogradeReport
{
    public static string PartName(int part) => part == 6 ? "Reflections" : $"Part {part}";

    /// <returns>0 when every question of the part that earns points passed; 1 otherwise.</returns>
    public static int Print(JsonElement gradebook, int part, TextWriter output)
    {
        var student = gradebook.GetProperty("students")[0];
        var points = gradebook.GetProperty("pointsPerQuestion").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var questions = student.GetProperty("questions").EnumerateArray().Where(q => q.GetProperty("part").GetInt32() == part).ToList();
        var name = PartName(part);
        if (student.TryGetProperty("problem", out var problem) && problem.ValueKind == JsonValueKind.String)
        {
            output.WriteLine($"{name}: 0 points. Your repository could not be graded: {problem.GetString()}");
            return 1;
        }

        var total = questions.Sum(q => points.GetValueOrDefault(Id(q)));
        var earned = 0;
        var missed = 0;
        output.WriteLine($"{name} ({total} point{(total == 1 ? "" : "s")}):");
        foreach (var q in questions)
        {
            var outcome = q.GetProperty("outcome").GetString()!.ToUpperInvariant();
            var worth = points.GetValueOrDefault(Id(q));
            var got = outcome == "PASS" ? worth : 0;
            earned += got;
            missed += outcome != "PASS" && worth > 0 ? 1 : 0;
            output.WriteLine($"  {outcome,-5} {Id(q),-5} {got}/{worth}  {q.GetProperty("title").GetString()}");
            foreach (var reason in q.GetProperty("reasons").EnumerateArray())
            {
                output.WriteLine($"{"",19}{reason.GetString()}");
            }
        }

        output.WriteLine(missed == 0
            ? $"{name}: {earned} of {total} points. Passed."
            : $"{name}: {earned} of {total} points by question, {missed} question(s) to fix; Classroom gives a part's points only when all of it passes, so this step earns 0. Fix them, commit and push: each push is graded again.");
        return missed == 0 ? 0 : 1;
    }

    private static string Id(JsonElement question) => question.GetProperty("id").GetString()!;
}
