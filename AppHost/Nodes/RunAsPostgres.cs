using System.Diagnostics;

namespace MediAI.AppHost.Nodes;

/// <summary>
/// PostgreSQL refuses to run as root. When the lab itself runs as root (CI, containers), its
/// PostgreSQL programs run as the "postgres" account through setpriv; runuser would kill
/// postgres uncleanly on SIGTERM (ARCHITECTURE.md, "Aspire").
/// </summary>
public static class RunAsPostgres
{
    public const string Account = "postgres";

    public static bool Needed => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>The command and its leading arguments to run <paramref name="program"/>.</summary>
    public static (string Command, string[] Args) Wrap(string program) =>
        Needed
            ? ("setpriv", ["--reuid=" + Account, "--regid=" + Account, "--init-groups", program])
            : (program, []);

    /// <summary>Gives a folder or file to the postgres account (only when running as root).</summary>
    /// <remarks>
    /// Not recursive, on purpose: the four nodes start side by side, and a recursive chown of the
    /// shared root raced a sibling node's postgres creating and removing its postmaster.pid
    /// ("chown: … No such file or directory", exit 1): that node then failed to start (seen in CI).
    /// What lies below is initdb's, made by the postgres account already.
    /// </remarks>
    public static void Own(string path)
    {
        if (!Needed)
        {
            return;
        }

        using var chown = Process.Start("chown", [$"{Account}:{Account}", path]);
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Could not give {path} to the '{Account}' account (chown exit {chown.ExitCode}). " +
                "Create that account (apt-get install postgresql creates it) or run the lab as a normal user.");
        }
    }
}
