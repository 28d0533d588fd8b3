using System.Diagnostics;

namespace MediAI.Lab;

/// <summary>
/// The container runtime's CLI (docker, or podman through ASPIRE_CONTAINER_RUNTIME), for the few
/// questions Aspire has no API for — is an image here, which containers and volumes exist (the
/// AppHost) — and for what an agent does to its node's container: kill, stop, start (SiteAgents).
/// Every call is bounded: a wedged engine gives an answer, never a hang. It waits on a process:
/// callers on an I/O thread run it off that thread.
/// </summary>
public static class DockerCli
{
    /// <summary>The CLI Aspire itself uses.</summary>
    public static string Runtime =>
        Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
        ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
        ?? "docker";

    /// <summary>What a CLI call printed; <c>ExitCode</c> is -1 when the CLI is missing or timed out.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Ok => ExitCode == 0;
    }

    public static Result Run(TimeSpan timeout, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Runtime, args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return new Result(-1, "", $"{Runtime} did not start");
            }

            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new Result(-1, "", $"{Runtime} {string.Join(' ', args)} gave no answer within {timeout.TotalSeconds:0} s");
            }

            return new Result(process.ExitCode, output.Result.Trim(), error.Result.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Result(-1, "", $"{Runtime} is not installed (not on PATH)");
        }
    }

    public static Result Run(params string[] args) => Run(TimeSpan.FromSeconds(20), args);

    /// <summary>A long CLI call whose output the caller streams (a pull, a save); the caller bounds it and kills it.</summary>
    public static Process Start(params string[] args) =>
        Process.Start(new ProcessStartInfo(Runtime, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{Runtime} did not start");
}
