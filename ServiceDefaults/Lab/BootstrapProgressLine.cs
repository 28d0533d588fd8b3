namespace MediAI.Lab;

/// <summary>
/// The bootstrap's progress, as one console-log line per step: the bootstrap writes it, the AppHost
/// reads it back from the resource's log and shows the latest step in the dashboard. A log line,
/// because the bootstrap is a plain process with no channel to the AppHost but its output.
/// </summary>
public static class BootstrapProgressLine
{
    private const string Prefix = "Bootstrap progress: ";

    /// <summary>The logging template (one argument: the step).</summary>
    public const string Format = Prefix + "{Step}";

    /// <summary>The step a log line reports, or null when the line is not a progress line.</summary>
    public static string? Read(string line)
    {
        var at = line.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? null : line[(at + Prefix.Length)..].Trim();
    }
}
