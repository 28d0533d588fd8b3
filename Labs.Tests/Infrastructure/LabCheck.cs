using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MediAI.Coordinator.Core.Grading;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// The lab checker as students and professors run it: the real program
/// (dotnet Checker.dll FOLDER --json, what dotnet run --project Coordinator.Api/Checker runs) in its own process, against a real server.
/// </summary>
public static class LabCheck
{
    public sealed record Result(int ExitCode, JsonElement Report, string Output, string Error)
    {
        public IReadOnlyList<JsonElement> Questions => Report.ValueKind == JsonValueKind.Object ? [.. Report.GetProperty("questions").EnumerateArray()] : [];

        public JsonElement Question(string id) => Questions.Single(q => q.GetProperty("id").GetString() == id);

        public string Outcome(string id) => Question(id).GetProperty("outcome").GetString()!;

        public string Reasons(string id) => string.Join("\n", Question(id).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    public static string Repository => Path.GetDirectoryName(Installations.DataDir)!;

    public static string Exercises => Path.Combine(Repository, "exercises");

    public static string Solutions => Path.Combine(Repository, "solutions");

    public static Task<Result> RunAsync(string folder, int port, params string[] options) =>
        RunArgsAsync([folder, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), .. options]);

    /// <summary>The checker with exactly these arguments.</summary>
    public static Task<Result> RunArgsAsync(params string[] args) => RunArgsAsync(TimeSpan.FromMinutes(3), args);

    /// <summary>The checker with exactly these arguments, given <paramref name="limit"/> to finish (autograde's first step grades everything).</summary>
    public static async Task<Result> RunArgsAsync(TimeSpan limit, params string[] args)
    {
        var options = args;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Checker.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        var report = options.Contains("--json") && text.TrimStart().StartsWith('{') ? JsonSerializer.Deserialize<JsonElement>(text) : default;
        return new Result(process.ExitCode, report, text, await error);
    }

    /// <summary>Every blank left in a folder, as the checker names them: "part1/1.1-horizontal.sql line 9".</summary>
    public static IEnumerable<string> Blanks(string folder) =>
        Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".sql", StringComparison.Ordinal) || Path.GetFileName(f) == "answers.md")
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (line, number: i + 1))
                .Where(l => (file.EndsWith(".md", StringComparison.Ordinal) ? l.line : l.line.Split("--")[0]).Contains("___", StringComparison.Ordinal))
                .Select(l => $"{Path.GetRelativePath(folder, file).Replace('\\', '/')} line {l.number}"));
}
