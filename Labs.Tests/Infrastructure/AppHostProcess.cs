using System.Diagnostics;
using System.Text;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// The AppHost run as a student runs it (its built dll, as `dotnet run --project AppHost` does),
/// its terminal output captured; stopped with SIGTERM, as Ctrl+C would.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "AppHost.dll");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static AppHostProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Its own session (setsid, where there is one): on SIGTERM the AppHost and DCP stop their
        // process group, which must not be the test run's.
        string[] command = OperatingSystem.IsLinux() ? ["setsid", "dotnet", Dll, .. args] : ["dotnet", Dll, .. args];
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            // As launchSettings.json's http profile sets for `dotnet run`.
            Environment =
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:0",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["DOTNET_ENVIRONMENT"] = "Development",
            },
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new AppHostProcess(Process.Start(start)!);
    }

    /// <summary>Runs to the end (a setup error), or fails after <paramref name="limit"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> args, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var host = Start(args, environment);
        using var timeout = new CancellationTokenSource(limit);
        await host._process.WaitForExitAsync(timeout.Token);
        host._process.WaitForExit(); // drains the output
        return (host.ExitCode, host.Output);
    }

    /// <summary>Waits until a line containing <paramref name="text"/> is printed; fails with the output if the AppHost exits first.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The AppHost did not print \"{text}\" ({(_process.HasExited ? $"exited {_process.ExitCode}" : $"after {limit.TotalSeconds:0} s")}). Its output:\n{Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERM (as Ctrl+C), then waits for a clean exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
