using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Contract;

/// <summary>
/// A lab program started without its settings, or with a wrong one (by hand, or by a broken
/// AppHost): one line naming the setting and what to do, exit code 1, no stack trace. They start
/// the lab's own programs, so they run apart from the tests that count the lab's processes.
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class ServiceSettingsTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output + await error).Trim());
    }

    private static readonly string[] AllNodes = [.. LabSites.All.Select(s => $"--ConnectionStrings:{s.Name}=Host=localhost;Port=1")];

    public static TheoryData<string, string[], string> Cases => new()
    {
        { "SiteAgents.dll", [], "Setting Site:Name is missing." },
        { "SiteAgents.dll", ["--Site:Name=tokyo"], "Setting ConnectionStrings:tokyo is missing (where the tokyo node is)." },
        { "SiteAgents.dll", ["--Site:Name=tokyo", "--ConnectionStrings:tokyo=Host=localhost;Port=abc"], "Setting ConnectionStrings:tokyo needs a Host and a Port from 1 to 65535 (it has Host='localhost', Port='abc')." },
        { "SiteAgents.dll", ["--Site:Name=tokyo", "--ConnectionStrings:tokyo=Host=localhost;Port=5433", "--Site:TraceStatements=maybe"], "Failed to convert configuration value 'maybe' at 'Site:TraceStatements'" },
        { "Coordinator.Api.dll", [], "Setting ConnectionStrings:paris is missing (where the paris node is)." },
        { "Coordinator.Api.dll", ["bootstrap"], "Setting ConnectionStrings:paris is missing (where the paris node is)." },
        { "Coordinator.Api.dll", [.. AllNodes, "--Lab:ClusterAddresses:tokyo=nowhere"], "Setting Lab:ClusterAddresses:tokyo = 'nowhere' is not host:port." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_missing_or_wrong_setting_is_one_line_naming_it_and_exit_1(string program, string[] args, string expected)
    {
        var (exitCode, output) = await RunAsync(program, args);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output);
        Assert.EndsWith("start the lab with dotnet run --project AppHost.", output);
        Assert.DoesNotContain('\n', output); // one line: no log noise, no stack trace
    }
}
