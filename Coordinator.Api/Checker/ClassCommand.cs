using System.CommandLine;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// --class DIR: the whole class against the running lab, as the API's class-grading job (one job
/// runner: the dashboard's "Grade class", POST /jobs/class-grading and this all start the same
/// job; a second long job is refused). Prints progress, then where the gradebook is and who needs help.
/// </summary>
public static class ClassCommand
{
    public static readonly Option<string?> Class = new("--class") { Description = "Grade a whole class: the folder holding one clone of each student's repository" };
    public static readonly Option<string?> At = new("--at") { Description = "With --class: the deadline, \"2026-12-01 23:59\"; each clone is graded at its last commit before it" };
    public static readonly Option<string?> Out = new("--out") { Description = "With --class: where the gradebook goes (default: CLASS/_gradebook); a run that stopped resumes from it" };
    public static readonly Option<int> Parallel = new("--parallel") { Description = "With --class: students graded at once (1 to 8)", DefaultValueFactory = _ => 2 };
    public static readonly Option<string?> Template = new("--template") { Description = "With --class: a clone of the assignment's template repository; solutions/ is compared with the version each student was handed (default: each clone's first commit)" };
    public static readonly Option<int> BurstMinutes = new("--burst-minutes") { Description = "With --class and --at: flag a student all of whose commits lie in this many minutes before the deadline", DefaultValueFactory = _ => 60 };
    public static readonly Option<string?> Points = new("--points") { Description = "With --class: the points per question (default: the lab repository's exercises/points.json)" };
    public static readonly Option<string> Api = new("--api") { Description = "With --class: the coordinator API", DefaultValueFactory = _ => "http://localhost:5180" };

    public static async Task<int> RunAsync(ParseResult options, int timeout, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.GetValue(Class)!);
        using var http = new HttpClient { BaseAddress = new Uri(options.GetValue(Api)!) };
        var parameters = new Dictionary<string, object?>
        {
            ["folder"] = folder,
            ["at"] = options.GetValue(At),
            ["out"] = options.GetValue(Out) is { } output ? Path.GetFullPath(output) : null,
            ["parallel"] = options.GetValue(Parallel),
            ["timeout"] = timeout,
            ["template"] = options.GetValue(Template) is { } template ? Path.GetFullPath(template) : null,
            ["burstMinutes"] = options.GetValue(BurstMinutes),
            ["points"] = options.GetValue(Points) is { } points ? Path.GetFullPath(points) : null,
        };
        // Each parameter is named as its option, but the folder, which is --class.
        if (await JobCli.RunAsync(http, "class-grading", parameters, "class grading", n => n switch { "folder" => "class", "burstMinutes" => "burst-minutes", _ => n }, cancellationToken) is not { } result)
        {
            return 2;
        }

        Console.WriteLine();
        Console.WriteLine($"Graded {result.GetProperty("students").GetInt32()} student folder(s) in {result.GetProperty("seconds").GetDouble():0} s "
            + $"(Parts 1–3, 5: {result.GetProperty("firstPassSeconds").GetDouble():0} s; Part 4 replays: {result.GetProperty("part4Seconds").GetDouble():0} s).");
        Console.WriteLine($"  Gradebook: {result.GetProperty("csv").GetString()}");
        Console.WriteLine($"  Marks:     {result.GetProperty("marks").GetString()} (one row per student: points, mark out of 20, flags)");
        Console.WriteLine($"             {result.GetProperty("json").GetString()}");
        Console.WriteLine($"  Summary:   {result.GetProperty("html").GetString()}");
        var help = result.GetProperty("needHelp").EnumerateArray().Select(s => s.GetString()).ToList();
        Console.WriteLine(help.Count == 0 ? "Everyone passed at least half of the questions graded." : $"Need help ({help.Count}): {string.Join(", ", help)}");
        foreach (var flag in result.GetProperty("flags").EnumerateArray())
        {
            Console.WriteLine($"Flag: {flag.GetString()}");
        }

        return 0;
    }
}
