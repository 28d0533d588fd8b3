using System.IO.Pipes;
using System.Net.Sockets;

namespace MediAI.AppHost.Containers;

/// <summary>
/// An HTTP client for the container engine's own API (the socket the docker CLI talks to), for what
/// the CLI does not show when its output is not a terminal: a pull's bytes, layer by layer.
/// Where it lives comes from the CLI itself (its current context, or Podman's service socket), so
/// Docker Desktop on Windows/macOS, Docker Engine on Linux and Podman are found the same way.
/// </summary>
public static class EngineSocket
{
    /// <summary>An HTTP client whose every request goes to the engine, or null when its socket cannot be found.</summary>
    public static HttpClient? Connect()
    {
        var address = Find();
        if (address is null)
        {
            return null;
        }

        var handler = new SocketsHttpHandler { ConnectCallback = (_, ct) => OpenAsync(address, ct) };
        // The engine's API ignores the host name; a pull streams for minutes, bounded by the caller's stall timer.
        return new HttpClient(handler) { BaseAddress = new Uri("http://engine/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && DockerCli.Runtime == "docker")
        {
            return host;
        }

        var answer = DockerCli.Runtime == "podman"
            ? DockerCli.Run(TimeSpan.FromSeconds(10), "info", "--format", "{{.Host.RemoteSocket.Path}}")
            : DockerCli.Run(TimeSpan.FromSeconds(10), "context", "inspect", "--format", "{{.Endpoints.docker.Host}}");
        if (!answer.Ok || answer.Output.Length == 0)
        {
            return null;
        }

        return answer.Output.Contains("://", StringComparison.Ordinal) ? answer.Output : "unix://" + answer.Output;
    }

    private static async ValueTask<Stream> OpenAsync(string address, CancellationToken cancellationToken)
    {
        var uri = new Uri(address);
        switch (uri.Scheme)
        {
            case "unix":
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.AbsolutePath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

            case "npipe":
                // npipe:////./pipe/docker_engine
                var pipe = new NamedPipeClientStream(".", uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Last(), PipeDirection.InOut, PipeOptions.Asynchronous);
                await pipe.ConnectAsync(cancellationToken);
                return pipe;
            case "tcp":
                var tcp = new TcpClient();
                await tcp.ConnectAsync(uri.Host, uri.Port, cancellationToken);
                return tcp.GetStream();
            default:
                throw new NotSupportedException($"Container engine address {address} is not supported");
        }
    }
}
