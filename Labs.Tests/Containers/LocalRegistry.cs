using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MediAI.AppHost.Setup;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// A real container registry on loopback (Debian's docker-registry), with its own storage, for the
/// lab's pull paths: the engine treats 127.0.0.0/8 registries as plain-HTTP mirrors. Optionally
/// behind a slow relay, so a pull lasts long enough to stop the registry in the middle of it.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly string _root;
    private Process? _registry;
    private readonly TcpListener? _relay;
    private readonly CancellationTokenSource _stop = new();

    public static string? WhyNot =>
        File.Exists("/usr/bin/docker-registry") ? null : "Registry checks skipped: Debian's docker-registry is not installed (.ci/run installs it: apt-get install docker-registry).";

    /// <summary>Where the engine pulls from (the relay's port when throttled).</summary>
    public string Address { get; }

    private int RegistryPort { get; }

    private LocalRegistry(int bytesPerSecond)
    {
        _root = Directory.CreateTempSubdirectory("mediai-test-registry-").FullName;
        RegistryPort = FreePorts.FirstFree(29_000 + Random.Shared.Next(0, 900), new HashSet<int>());
        var config = Path.Combine(_root, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {_root}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{RegistryPort}
            """);
        Start(config);
        if (bytesPerSecond > 0)
        {
            _relay = new TcpListener(IPAddress.Loopback, 0);
            _relay.Start();
            _ = RelayAsync(bytesPerSecond);
            Address = $"127.0.0.1:{((IPEndPoint)_relay.LocalEndpoint).Port}";
        }
        else
        {
            Address = $"127.0.0.1:{RegistryPort}";
        }
    }

    /// <summary>Starts a registry (and, with <paramref name="bytesPerSecond"/>, a relay that serves it no faster).</summary>
    public static async Task<LocalRegistry> StartAsync(int bytesPerSecond = 0)
    {
        var registry = new LocalRegistry(bytesPerSecond);
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var client = new HttpClient();
                if ((await client.GetAsync($"http://127.0.0.1:{registry.RegistryPort}/v2/")).IsSuccessStatusCode)
                {
                    return registry;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await registry.DisposeAsync();
        throw new InvalidOperationException("docker-registry did not answer on loopback within 10 s");
    }

    /// <summary>Pushes a local image to this registry as <paramref name="name"/> (the local tag used for it is removed again).</summary>
    public void Push(string localImage, string name)
    {
        var direct = $"127.0.0.1:{RegistryPort}/{name}";
        Assert.True(ContainerEngine.Docker("tag", localImage, direct).Ok);
        var push = DockerCliLong("push", direct);
        ContainerEngine.Docker("image", "rm", direct);
        Assert.True(push.Ok, push.Error);
    }

    /// <summary>Stops the registry process at once, as a server that goes away mid-transfer.</summary>
    public void StopRegistry()
    {
        if (_registry is { HasExited: false })
        {
            _registry.Kill(entireProcessTree: true);
            _registry.WaitForExit();
        }
    }

    private void Start(string config)
    {
        _registry = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
    }

    private async Task RelayAsync(int bytesPerSecond)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _relay!.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                using (var server = new TcpClient())
                {
                    try
                    {
                        await server.ConnectAsync(IPAddress.Loopback, RegistryPort, _stop.Token);
                        var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
                        var down = CopySlowlyAsync(server.GetStream(), client.GetStream(), bytesPerSecond, _stop.Token);
                        await Task.WhenAny(up, down);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                    {
                        // The registry went away, or the engine hung up: the connection ends, as it would on a network.
                    }
                }
            });
        }
    }

    private static async Task CopySlowlyAsync(Stream from, Stream to, int bytesPerSecond, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(1024, bytesPerSecond / 20)];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds((double)read / bytesPerSecond), cancellationToken);
        }
    }

    private static DockerCli.Result DockerCliLong(params string[] args) =>
        DockerCli.Run(TimeSpan.FromMinutes(5), args);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _relay?.Stop();
        StopRegistry();
        _registry?.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
