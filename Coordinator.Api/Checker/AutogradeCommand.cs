using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// "autograde --part N": one step of GitHub Classroom's autograding (.github/workflows/classroom.yml).
/// Grades the repository's last commit as the professor's class grading grades one student — the
/// API's class-grading job on a one-student class, with Part 4 replayed with its faults and, the lab
/// being this student's alone, 5.5's rebalance too — then prints part N's questions with their
/// points and reasons. The first step grades everything and keeps the grade; the next steps read
/// it (the job resumes: same commit, nothing graded twice). Exit 0: every question of the part that
/// earns points passed (Classroom's command grader then gives the step its max-score); 1: not all;
/// 2: could not grade (no lab running, not a git repository, a job already running).
/// </summary>
public static class AutogradeCommand
{
    private static readonly Option<string> Part = new("--part")
    {
        Description = "The part to report: 1 to 5, or reflections (6)",
        Required = true,
    };

    private static readonly Option<string> Repository = new("--repo") { Description = "The lab repository to grade (its last commit)", DefaultValueFactory = _ => "." };
    private static readonly Option<string> Api = new("--api") { Description = "The running lab's coordinator API", DefaultValueFactory = _ => "http://localhost:5180" };
    private static readonly Option<int> Timeout = new("--timeout") { Description = "The longest any one of your statements may run, in seconds", DefaultValueFactory = _ => 60 };
    private static readonly Option<string?> Work = new("--work") { Description = "Where the grading keeps its copy of the repository and the grade between steps (default: a folder in the system's temporary folder, one per repository)" };

    /// <summary>What the start script prints and the workflow runs first; said when no lab answers.</summary>
    public const string StartScript = "scripts/autograde-start.sh";

    public static Command Create()
    {
        var command = new Command("autograde", "One step of GitHub Classroom's autograding: grades your last commit on a lab of its own (started by " + StartScript + ") and reports one part. Exit 0 when every question of the part passes.")
        {
            Part, Repository, Api, Timeout, Work,
        };
        command.SetAction((options, ct) => RunAsync(options, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult options, CancellationToken ct)
    {
        var partText = options.GetValue(Part)!.Trim().ToLowerInvariant();
        int part = partText is "reflections" or "r" ? 6 : int.TryParse(partText, out var n) && n is >= 1 and <= 6 ? n : 0;
        if (part == 0)
        {
            await Console.Error.WriteLineAsync($"--part {options.GetValue(Part)}: give 1, 2, 3, 4, 5 or reflections.");
            return 2;
        }

        if (await GitAsync(options.GetValue(Repository)!, ct, "rev-parse", "--show-toplevel") is not { } top)
        {
            await Console.Error.WriteLineAsync($"{Path.GetFullPath(options.GetValue(Repository)!)} is not in a git repository: run autograde in your lab repository (it grades your last commit), or pass --repo.");
            return 2;
        }

        var api = options.GetValue(Api)!;
        using var http = new HttpClient { BaseAddress = new Uri(api) };
        if (!await AnswersAsync(http, ct))
        {
            await Console.Error.WriteLineAsync($"No MediAI lab is running (nothing answers at {api}): start one with {StartScript} (or dotnet run --project AppHost), then run autograde again.");
            return 2;
        }

        var repository = Path.GetFullPath(top);
        var commit = await GitAsync(repository, ct, "rev-parse", "HEAD");
        if (commit is null)
        {
            await Console.Error.WriteLineAsync($"{repository} has no commit yet: commit your work (git add -A; git commit), then run autograde again.");
            return 2;
        }

        // A one-student class: a clone of the repository at its last commit (shared objects, so no copy),
        // named as the repository is (on Classroom, the assignment and the student's login).
        var work = options.GetValue(Work) is { } given ? Path.GetFullPath(given)
            : Path.Combine(Path.GetTempPath(), "mediai-autograde", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository)))[..12]);
        var student = Path.GetFileName(repository);
        var clone = Path.Combine(work, "class", student);
        if (Directory.Exists(clone))
        {
            Directory.Delete(clone, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(clone)!);
        if (await GitAsync(work, ct, "clone", "--quiet", "--shared", "--no-checkout", repository, clone) is null
            || await GitAsync(clone, ct, "update-ref", "HEAD", commit) is null)
        {
            await Console.Error.WriteLineAsync($"Could not copy {repository} at {commit[..7]} into {clone} with git clone: see git's message above.");
            return 2;
        }

        Console.WriteLine($"Grading {student} at commit {commit[..7]} (your last commit: changes not committed are not graded).");
        var parameters = new Dictionary<string, object?>
        {
            ["folder"] = Path.GetDirectoryName(clone),
            ["out"] = Path.Combine(work, "gradebook"),
            ["parallel"] = 1,
            ["timeout"] = options.GetValue(Timeout),
            ["ownLab"] = true,
        };
        if (await JobCli.RunAsync(http, "class-grading", parameters, "grading", name => name switch { "folder" or "out" => "work", _ => name }, ct) is not { } result)
        {
            return 2;
        }

        using var book = JsonDocument.Parse(await File.ReadAllTextAsync(result.GetProperty("json").GetString()!, ct));
        return AutogradeReport.Print(book.RootElement, part, Console.Out);
    }

    /// <summary>The API's job list answers: a lab is running there.</summary>
    private static async Task<bool> AnswersAsync(HttpClient http, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await http.GetAsync("/jobs", timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>git's first line of output, or null (its message went to standard error) when it fails.</summary>
    private static async Task<string?> GitAsync(string folder, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = false };
        foreach (var arg in (string[])["-c", "safe.directory=*", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        if (!Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            using var git = Process.Start(start)!;
            var output = await git.StandardOutput.ReadToEndAsync(ct);
            await git.WaitForExitAsync(ct);
            return git.ExitCode == 0 ? output.Split('\n')[0].Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync("git was not found: install git (https://git-scm.com), then run autograde again.");
            return null;
        }
    }
}
