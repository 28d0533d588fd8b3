using System.Diagnostics;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>The real psql client: it sends each statement of a script as its own simple Query.</summary>
public static class Psql
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(int port, string script, bool stopOnError = true, string database = "postgres")
    {
        var start = new ProcessStartInfo("psql",
            ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-X",
             "-v", $"ON_ERROR_STOP={(stopOnError ? 1 : 0)}"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using var psql = Process.Start(start)!;
        await psql.StandardInput.WriteAsync(script);
        psql.StandardInput.Close();
        var output = psql.StandardOutput.ReadToEndAsync();
        var error = psql.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await psql.WaitForExitAsync(timeout.Token);
        return new Result(psql.ExitCode, await output, await error);
    }
}
