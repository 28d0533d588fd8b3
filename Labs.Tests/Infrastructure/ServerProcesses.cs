namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>Processes on this machine, read from /proc: what a test started and left running.</summary>
public static class ServerProcesses
{
    /// <summary>Processes whose command line contains <paramref name="text"/> (Linux; none elsewhere).</summary>
    public static IReadOnlyList<int> WithArgument(string text)
    {
        var found = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
