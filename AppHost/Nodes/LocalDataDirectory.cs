using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Nodes;

/// <summary>
/// A site's PostgreSQL data folder in local mode: created with initdb the first time, reused after.
/// </summary>
public static class LocalDataDirectory
{
    /// <summary>Where local-mode data lives by default: outside the repository, per user.</summary>
    public static string DefaultRoot() =>
        RunAsPostgres.Needed
            // root's home is closed to the postgres account.
            ? "/var/lib/mediai-lab"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mediai-lab");

    public static async Task EnsureInitializedAsync(
        PostgresInstallation postgres, string dataDir, string password, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            return;
        }

        logger.LogInformation("First start: creating the data folder {DataDir} with initdb", dataDir);
        var root = Path.GetDirectoryName(dataDir)!;
        Directory.CreateDirectory(root);
        RunAsPostgres.Own(root);

        // The password goes to initdb through a file readable only by its owner, never the command line.
        var passwordFile = Path.Combine(root, $".{Path.GetFileName(dataDir)}.pw");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        RunAsPostgres.Own(passwordFile);
        try
        {
            var (command, prefix) = RunAsPostgres.Wrap(postgres.InitDb);
            string[] args =
            [
                .. prefix, "-D", dataDir, "-U", NodeSettings.UserName, "--pwfile=" + passwordFile,
                // Password on TCP (what Citus and students use); trust on the local socket only.
                "--auth-host=scram-sha-256", "--auth-local=trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            ];
            var start = new ProcessStartInfo(command, args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = root,
            };
            using var initdb = Process.Start(start)!;
            var stdout = initdb.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = initdb.StandardError.ReadToEndAsync(cancellationToken);
            await initdb.WaitForExitAsync(cancellationToken);
            if (initdb.ExitCode != 0)
            {
                // Leave nothing half-made: the next start retries from scratch.
                TryDelete(dataDir);
                throw new InvalidOperationException(
                    $"initdb failed for {dataDir} (exit {initdb.ExitCode}): {(await stderr).Trim()} {(await stdout).Trim()}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
