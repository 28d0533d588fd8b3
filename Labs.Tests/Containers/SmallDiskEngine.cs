using System.Diagnostics;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// A second Docker engine of the test's own, whose whole disk is a 64 MB tmpfs: an image pull into
/// it runs out of space for real ("no space left on device"). Needs root (mount, dockerd); its
/// socket is what DOCKER_HOST points the lab at. Stopped and unmounted on dispose.
/// </summary>
public sealed class SmallDiskEngine : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mediai-test-engine-").FullName;
    private readonly Process _dockerd;
    private readonly string _bridge = $"mediai-t{Random.Shared.Next(0, 0xFFFFFF):x6}";

    public static string? WhyNot =>
        Environment.UserName != "root" ? "Disk-full pull skipped: a second Docker engine on a small disk needs root (CI runs as root)."
        : !File.Exists("/usr/bin/dockerd") && !File.Exists("/usr/sbin/dockerd") ? "Disk-full pull skipped: dockerd is not installed."
        : null;

    /// <summary>unix:///…/docker.sock, for DOCKER_HOST.</summary>
    public string Host => $"unix://{_root}/docker.sock";

    private string Disk => Path.Combine(_root, "disk");

    public SmallDiskEngine()
    {
        Directory.CreateDirectory(Disk);
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", Disk));
        // A bridge of its own: with --bridge=none, dockerd deletes docker0 at start, measured — the
        // host engine's containers then cannot start ("could not find bridge docker0").
        Assert.Equal(0, Run("ip", "link", "add", "name", _bridge, "type", "bridge"));
        // Its own small subnet, so it takes no address range of the host engine's (docker0's 172.17/16).
        Assert.Equal(0, Run("ip", "addr", "add", $"10.253.{Random.Shared.Next(1, 250)}.1/24", "dev", _bridge));
        _dockerd = Process.Start(new ProcessStartInfo("dockerd",
            ["--data-root", Disk, "--exec-root", Path.Combine(_root, "exec"), "-H", Host, "--pidfile", Path.Combine(_root, "dockerd.pid"),
             $"--bridge={_bridge}", "--iptables=false", "--ip-masq=false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _dockerd.OutputDataReceived += (_, _) => { };
        _dockerd.ErrorDataReceived += (_, _) => { };
        _dockerd.BeginOutputReadLine();
        _dockerd.BeginErrorReadLine();
        for (var i = 0; i < 100 && !Answers(); i++)
        {
            Thread.Sleep(200);
        }

        Assert.True(Answers(), "the second Docker engine did not start within 20 s");
    }

    private bool Answers()
    {
        using var info = Process.Start(new ProcessStartInfo("docker", ["-H", Host, "info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        info.WaitForExit(10_000);
        return info.HasExited && info.ExitCode == 0;
    }

    private static int Run(string file, params string[] args)
    {
        using var process = Process.Start(file, args);
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!_dockerd.HasExited)
        {
            // SIGTERM: dockerd stops its own containerd, then exits.
            Run("kill", "-TERM", _dockerd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_dockerd.WaitForExit(30_000))
            {
                _dockerd.Kill(entireProcessTree: true);
            }
        }

        _dockerd.Dispose();
        Run("ip", "link", "delete", _bridge);
        Run("umount", Disk);
        Directory.Delete(_root, recursive: true);
    }
}
