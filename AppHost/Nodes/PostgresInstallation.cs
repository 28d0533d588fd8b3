using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MediAI.AppHost.Nodes;

/// <summary>
/// A PostgreSQL server installation on this machine (local mode): where its programs are and
/// whether it has Citus.
/// </summary>
public sealed record PostgresInstallation(string BinDir, bool HasCitus)
{
    private static readonly string Exe = OperatingSystem.IsWindows() ? ".exe" : "";

    public string Postgres => Path.Combine(BinDir, "postgres" + Exe);
    public string InitDb => Path.Combine(BinDir, "initdb" + Exe);

    /// <summary>Finds the newest PostgreSQL 15+ server: the configured folder, PATH, pg_config, then the usual places.</summary>
    public static PostgresInstallation? Find(string? configuredBinDir)
    {
        var binDir = Candidates(configuredBinDir).FirstOrDefault(IsServerBinDir);
        if (binDir is null)
        {
            return null;
        }

        var pkgLibDir = PgConfig(binDir, "--pkglibdir") ?? Path.GetFullPath(Path.Combine(binDir, "..", "lib"));
        var shareDir = PgConfig(binDir, "--sharedir") ?? Path.GetFullPath(Path.Combine(binDir, "..", "share"));
        var hasCitus = new[] { "citus.so", "citus.dylib", "citus.dll" }.Any(f => File.Exists(Path.Combine(pkgLibDir, f)))
            && File.Exists(Path.Combine(shareDir, "extension", "citus.control"));
        return new PostgresInstallation(binDir, hasCitus);
    }

    private static bool IsServerBinDir(string dir) =>
        File.Exists(Path.Combine(dir, "postgres" + Exe)) && File.Exists(Path.Combine(dir, "initdb" + Exe));

    private static IEnumerable<string> Candidates(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // An explicit choice is the only candidate: silently using another server would confuse.
            yield return configured;
            yield break;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var postgres = Path.Combine(dir, "postgres" + Exe);
            if (File.Exists(postgres))
            {
                // Debian links /usr/local/bin/postgres to /usr/lib/postgresql/N/bin: use the real folder.
                yield return Path.GetDirectoryName(ResolveLink(postgres))!;
            }
        }

        if (PgConfig(null, "--bindir") is { } fromPgConfig)
        {
            yield return fromPgConfig;
        }

        foreach (var pattern in WellKnownRoots())
        {
            foreach (var dir in VersionedDirs(pattern.Root, pattern.Prefix).Select(d => Path.Combine(d, pattern.Suffix)))
            {
                yield return dir;
            }
        }
    }

    private static IEnumerable<(string Root, string Prefix, string Suffix)> WellKnownRoots()
    {
        if (OperatingSystem.IsWindows())
        {
            var programFiles = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
            yield return (Path.Combine(programFiles, "PostgreSQL"), "", "bin");
            yield break;
        }

        yield return ("/usr/lib/postgresql", "", "bin");                 // Debian, Ubuntu
        yield return ("/opt/homebrew/opt", "postgresql@", "bin");         // Homebrew, Apple silicon
        yield return ("/usr/local/opt", "postgresql@", "bin");            // Homebrew, Intel
        yield return ("/Applications/Postgres.app/Contents/Versions", "", "bin");
        yield return ("/usr", "pgsql-", "bin");                           // Fedora, RHEL (PGDG)
    }

    /// <summary>Subfolders named "{prefix}{major}", newest major first, 15 and later only.</summary>
    private static IEnumerable<string> VersionedDirs(string root, string prefix)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root, prefix + "*")
            .Select(d => (Dir: d, Major: int.TryParse(Path.GetFileName(d)[prefix.Length..].Split('.')[0], out var m) ? m : 0))
            .Where(d => d.Major >= 15)
            .OrderByDescending(d => d.Major)
            .Select(d => d.Dir);
    }

    private static string ResolveLink(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static string? PgConfig(string? binDir, string flag)
    {
        var pgConfig = binDir is null ? "pg_config" : Path.Combine(binDir, "pg_config" + Exe);
        if (binDir is not null && !File.Exists(pgConfig))
        {
            return null;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(pgConfig, flag)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5_000);
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null; // no pg_config on PATH
        }
    }

    public override string ToString() =>
        $"PostgreSQL in {BinDir} ({(HasCitus ? "with Citus" : "no Citus")}, {RuntimeInformation.OSDescription})";
}
