using MediAI.Coordinator.Core.Grading;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Grading;

/// <summary>
/// exercises/points.json, the professor's points per question: the repository's own file holds every
/// question, and a file with a typo is refused naming what is wrong, never read half.
/// </summary>
public sealed class LabPointsTests
{
    private static string RepositoryFile => Path.Combine(LabCheck.Exercises, LabPoints.FileName);

    [Fact]
    public void The_repositorys_points_file_gives_every_question_of_every_part_its_points()
    {
        var points = LabPoints.Read(RepositoryFile);
        Assert.Equal(LabQuestions.All.Select(q => q.Id), points.PerQuestion.Keys);
        Assert.Equal([1, 2, 3, 4, 5, 6], LabPoints.Parts);
        Assert.Equal(LabPoints.Parts.Sum(points.Total), points.Total());
        Assert.Equal(LabQuestions.All.Count(q => q.Part == 1), points.Total(1)); // one point a question, as shipped
    }

    [Theory]
    [InlineData("\"part1\": {\"1.9\": 1}", "\"part1\".\"1.9\" is no question of the lab")]
    [InlineData("\"part1\": {\"2.2\": 1}", "\"2.2\" belongs in \"part2\", not in \"part1\"")]
    [InlineData("\"part1\": {\"1.1\": -2}", "\"part1\".\"1.1\" is -2: points are whole numbers, 0 or more")]
    [InlineData("\"part1\": {\"1.1\": 1.5}", "\"part1\".\"1.1\" is 1.5: points are whole numbers, 0 or more")]
    [InlineData("\"part1\": {\"1.1\": \"2\"}", "\"part1\".\"1.1\" is \"2\": points are whole numbers, 0 or more")]
    [InlineData("\"part1\": {}", "\"part1\" has no \"1.1\" (give it 0 to leave it out of the mark)")]
    [InlineData("\"part6\": {}", "\"part6\" is no part of the lab (the parts: part1, part2, part3, part4, part5, reflections)")]
    [InlineData("\"part1\": 7", "\"part1\" must be an object of question → points")]
    public void A_points_file_with_a_mistake_is_refused_naming_it(string change, string expected)
    {
        var key = change[1..change.IndexOf('"', 1)];
        var json = Edited(key, change);
        var refused = Assert.Throws<LabPointsException>(() => LabPoints.Parse(json, "exercises/points.json"));
        Assert.StartsWith("exercises/points.json: ", refused.Message);
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void A_missing_part_or_no_json_is_refused_naming_it()
    {
        var noPart5 = string.Join('\n', File.ReadAllLines(RepositoryFile).Where(l => !l.TrimStart().StartsWith("\"part5\"", StringComparison.Ordinal)));
        Assert.Contains("the part \"part5\" is missing", Assert.Throws<LabPointsException>(() => LabPoints.Parse(noPart5, "p.json")).Message);
        Assert.Contains("p.json is not JSON", Assert.Throws<LabPointsException>(() => LabPoints.Parse("{\"part1\": ", "p.json")).Message);
        Assert.Contains("is missing: the points per question live there", Assert.Throws<LabPointsException>(() => LabPoints.Read("/nonexistent/points.json")).Message);
    }

    /// <summary>The repository's file with one part's line replaced (or added, for a part it does not have).</summary>
    private static string Edited(string key, string replacement)
    {
        var lines = File.ReadAllLines(RepositoryFile).ToList();
        var at = lines.FindIndex(l => l.TrimStart().StartsWith($"\"{key}\"", StringComparison.Ordinal));
        if (at < 0)
        {
            lines.Insert(lines.Count - 1, $"  ,{replacement}");
        }
        else
        {
            lines[at] = $"  {replacement}{(lines[at].TrimEnd().EndsWith(',') ? "," : "")}";
        }

        return string.Join('\n', lines);
    }
}
