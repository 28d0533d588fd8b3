using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.External;

/// <summary>The coordinator program's professor commands (plan, cleanup, bootstrap) as a professor runs them: the real program, in its own process.</summary>
public static class LabCommandLine
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Coordinator.Api.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment = { ["PGPASSWORD"] = TestPostgres.Password, ["Lab__DataDir"] = Installations.DataDir, ["OTEL_SDK_DISABLED"] = "true" },
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);
}
