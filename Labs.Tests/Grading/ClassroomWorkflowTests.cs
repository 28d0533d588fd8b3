using MediAI.AppHost.Setup;
using MediAI.Coordinator.Core.Grading;
using MediAI.Labs.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace MediAI.Labs.Tests.Grading;

/// <summary>
/// The Classroom template's autograding workflow (.github/workflows/classroom.yml), read as GitHub
/// reads it: one grading step per part whose max-score is the part's total in exercises/points.json,
/// the lab started before them, every step's result given to the reporter. (Its schema is checked in
/// CI by @action-validator/cli; GitHub itself cannot run here.)
/// </summary>
public sealed class ClassroomWorkflowTests
{
    private static readonly string Workflow = Path.Combine(Installations.RepositoryRoot, ".github", "workflows", "classroom.yml");

    private static List<YamlMappingNode> Steps()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Workflow))
        {
            yaml.Load(reader);
        }

        var jobs = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["jobs"];
        var job = (YamlMappingNode)jobs.Children.Single().Value;
        return [.. ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>()];
    }

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static YamlMappingNode With(YamlMappingNode step) => (YamlMappingNode)step["with"];

    private static bool Grades(YamlMappingNode step) => Text(step, "uses")?.StartsWith("classroom-resources/autograding-command-grader@", StringComparison.Ordinal) == true;

    [Fact]
    public void Each_part_has_one_grading_step_whose_max_score_is_the_parts_total_in_points_json()
    {
        var points = LabPoints.Read(Path.Combine(LabCheck.Exercises, LabPoints.FileName));
        var graders = Steps().Where(Grades).ToList();
        var byPart = new Dictionary<int, int>();
        foreach (var step in graders)
        {
            var command = Text(With(step), "command")!;
            Assert.StartsWith("dotnet run --project Coordinator.Api/Checker", command);
            var part = command.Split("--part ")[1].Trim() switch { "reflections" => LabPoints.ReflectionsPart, var n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) };
            Assert.True(byPart.TryAdd(part, int.Parse(Text(With(step), "max-score")!, System.Globalization.CultureInfo.InvariantCulture)), $"two steps grade {LabPoints.PartKey(part)}");
        }

        Assert.Equal(LabPoints.Parts, byPart.Keys.Order());
        foreach (var part in LabPoints.Parts)
        {
            Assert.True(points.Total(part) == byPart[part], $"{LabPoints.PartKey(part)}: exercises/points.json totals {points.Total(part)}, the workflow's max-score is {byPart[part]}: change both together");
        }

        Assert.Equal(points.Total(), byPart.Values.Sum());
    }

    [Fact]
    public void The_lab_starts_before_the_first_grading_step_and_the_reporter_gets_every_steps_result()
    {
        var steps = Steps();
        var start = steps.FindIndex(s => Text(s, "run")?.Trim() == "scripts/autograde-start.sh");
        Assert.True(start >= 0, "no step runs scripts/autograde-start.sh");
        Assert.True(start < steps.FindIndex(Grades), "the lab must start before the first grading step");
        Assert.Contains(steps[..start], s => Text(s, "uses")?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true);

        var ids = steps.Where(Grades).Select(s => Text(s, "id")!).ToList();
        var reporter = steps.Single(s => Text(s, "uses")?.StartsWith("classroom-resources/autograding-grading-reporter@", StringComparison.Ordinal) == true);
        Assert.Equal(ids, Text(With(reporter), "runners")!.Split(','));
        var env = (YamlMappingNode)reporter["env"];
        foreach (var id in ids)
        {
            Assert.Equal($"${{{{ steps.{id}.outputs.result }}}}", Text(env, $"{id.ToUpperInvariant()}_RESULTS"));
        }
    }

    [Fact]
    public async Task Without_a_lab_autograde_says_in_one_line_how_to_start_one_and_exits_2()
    {
        var closed = FreePorts.FirstFree(31_000 + Random.Shared.Next(0, 2_000), new HashSet<int>());
        var none = await LabCheck.RunArgsAsync("autograde", "--part", "1", "--repo", Installations.RepositoryRoot, "--api", $"http://127.0.0.1:{closed}");
        Assert.Equal(2, none.ExitCode);
        Assert.Equal("", none.Output);
        Assert.Equal($"No MediAI lab is running (nothing answers at http://127.0.0.1:{closed}): start one with scripts/autograde-start.sh (or dotnet run --project AppHost), then run autograde again.", none.Error.Trim());

        var wrongPart = await LabCheck.RunArgsAsync("autograde", "--part", "7");
        Assert.Equal(2, wrongPart.ExitCode);
        Assert.Contains("--part 7: give 1, 2, 3, 4, 5 or reflections", wrongPart.Error);

        var notARepository = Directory.CreateTempSubdirectory("mediai-not-a-repo-").FullName;
        try
        {
            var outside = await LabCheck.RunArgsAsync("autograde", "--part", "1", "--repo", notARepository);
            Assert.Equal(2, outside.ExitCode);
            Assert.Contains("is not in a git repository", outside.Error);
        }
        finally
        {
            Directory.Delete(notARepository, recursive: true);
        }
    }
}
