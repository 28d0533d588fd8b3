using System.Diagnostics;

namespace MediAI.AppHost;

/// <summary>
/// Is a container engine running right now? The docker CLI alone is not enough (it exists on
/// machines with no daemon), so ask the engine itself, briefly.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static bool IsRunning(out string runtime)
    {
        runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
            ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
            ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && process.StandardOutput.ReadToEnd().Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such CLI on PATH
        }
    }
}
