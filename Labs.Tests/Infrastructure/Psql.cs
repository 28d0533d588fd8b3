using System.Diagnostics;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>The real psql client: it sends each statement of a script as its own simple Query.</summary>
public static class Psql
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>psql -c: one command line, as the handout types it.</summary>
    public static Task<Result> CommandAsync(int port, string sql, string database = "postgres", string host = "127.0.0.1") =>
        StartAsync(["-h", host, "-p", Port(port), "-U", "postgres", "-d", database, "-X", "-c", sql], stdin: null);

    /// <summary>A script on standard input.</summary>
    public static Task<Result> RunAsync(int port, string script, bool stopOnError = true, string database = "postgres") =>
        StartAsync(["-h", "127.0.0.1", "-p", Port(port), "-U", "postgres", "-d", database, "-X", "-v", $"ON_ERROR_STOP={(stopOnError ? 1 : 0)}"], script);

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Result> StartAsync(string[] arguments, string? stdin)
    {
        var start = new ProcessStartInfo("psql", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using var psql = Process.Start(start)!;
        await psql.StandardInput.WriteAsync(stdin ?? "");
        psql.StandardInput.Close();
        var output = psql.StandardOutput.ReadToEndAsync();
        var error = psql.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await psql.WaitForExitAsync(timeout.Token);
        return new Result(psql.ExitCode, await output, await error);
    }
}
