using Microsoft.Extensions.Configuration;

namespace MediAI.Lab;

/// <summary>
/// A setting a lab program cannot run without is missing or wrong. The message names the setting
/// and what to do; <see cref="GuardAsync"/> prints it as one line and exits 1, never a stack trace.
/// </summary>
public sealed class LabSettingException(string message) : Exception(message)
{
    /// <summary>How the lab's programs are meant to be started: the AppHost gives them every setting.</summary>
    public const string StartThroughAppHost = "The AppHost gives the lab's programs their settings: start the lab with dotnet run --project AppHost.";

    /// <summary>The value of <paramref name="key"/>, or an exception naming it.</summary>
    public static string Required(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : throw new LabSettingException($"Setting {PathOf(configuration, key)} is missing. {StartThroughAppHost}");

    /// <summary>The full key (Site:Name) when reading inside a section.</summary>
    private static string PathOf(IConfiguration configuration, string key) =>
        configuration is IConfigurationSection section ? $"{section.Path}:{key}" : key;

    /// <summary>
    /// Runs a program's main. A missing or wrong setting (this exception, or configuration binding's
    /// own "Failed to convert configuration value") ends it with one line on standard error and exit code 1.
    /// </summary>
    public static async Task<int> GuardAsync(Func<Task<int>> main)
    {
        try
        {
            return await main();
        }
        catch (LabSettingException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"A setting has a wrong value: {e.Message} {StartThroughAppHost}");
            return 1;
        }
    }
}
