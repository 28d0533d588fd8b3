using System.Diagnostics;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// Another machine on the campus network, played by a network namespace of the test's own joined
/// to this one by a veth pair: it reaches this machine at <see cref="HostAddress"/>, a
/// non-loopback address of this machine, and nothing else. Needs root and iproute2.
/// </summary>
public sealed class Neighbor : IDisposable
{
    public const string HostAddress = "10.213.7.1";
    private const string NeighborAddress = "10.213.7.2";

    private readonly string _namespace = $"mediai-nb{Environment.ProcessId % 100_000}";
    private readonly string _hostLink = $"mnb{Environment.ProcessId % 100_000}h";

    private Neighbor()
    {
    }

    public static string? WhyNot =>
        !Environment.IsPrivilegedProcess ? "needs root (a network namespace plays the neighbor machine)"
        : !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") ? "needs iproute2 (the ip command)"
        : null;

    public static Neighbor Create()
    {
        var neighbor = new Neighbor();
        var peer = neighbor._hostLink[..^1] + "n";
        try
        {
            Ip("netns", "add", neighbor._namespace);
            Ip("link", "add", neighbor._hostLink, "type", "veth", "peer", "name", peer);
            Ip("link", "set", peer, "netns", neighbor._namespace);
            Ip("addr", "add", HostAddress + "/30", "dev", neighbor._hostLink);
            Ip("link", "set", neighbor._hostLink, "up");
            Ip("netns", "exec", neighbor._namespace, "ip", "addr", "add", NeighborAddress + "/30", "dev", peer);
            Ip("netns", "exec", neighbor._namespace, "ip", "link", "set", peer, "up");
            Ip("netns", "exec", neighbor._namespace, "ip", "link", "set", "lo", "up");
            return neighbor;
        }
        catch
        {
            neighbor.Dispose();
            throw;
        }
    }

    /// <summary>Does a TCP connection from the neighbor to this machine's <paramref name="port"/> succeed (within 3 s)?</summary>
    public bool Answers(int port)
    {
        var probe = Run("ip", "netns", "exec", _namespace, "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{HostAddress}/{port}");
        return probe.ExitCode == 0;
    }

    public void Dispose()
    {
        Run("ip", "link", "del", _hostLink);
        Run("ip", "netns", "del", _namespace);
    }

    private static void Ip(params string[] args)
    {
        var result = Run(["ip", .. args]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {result.Error}");
        }
    }

    private static (int ExitCode, string Error) Run(params string[] command)
    {
        using var process = Process.Start(new ProcessStartInfo(command[0], command[1..]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
