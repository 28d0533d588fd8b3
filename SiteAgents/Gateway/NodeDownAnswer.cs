using System.Buffers.Binary;
using System.Net.Sockets;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Gateway;

/// <summary>
/// What the students' door says when the coordinator node is not running: it reads the client's
/// startup (declining SSL/GSS first, as psql and DBeaver ask for them) and answers with a FATAL
/// error that names the site and what to do, so psql fails at once with that text.
/// </summary>
public static class NodeDownAnswer
{
    private const int MaxStartupLength = 10_000;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    /// <summary>SQLSTATE 57P03 cannot_connect_now: the server is not accepting connections now.</summary>
    public const string SqlState = "57P03";

    public static string Message(SiteContext site) => $"the {site.City} node ({site.NodeName}) is not running: the MediAI lab cannot reach it";

    public const string Hint =
        "Start it again: in the Aspire dashboard, open the node's resource (paris) and choose Start, or restart the lab " +
        "(Ctrl+C, then dotnet run --project AppHost). Your data is kept.";

    public static async Task SendAsync(Socket client, SiteContext site, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(ClientTimeout);
        var header = new byte[8];
        try
        {
            while (true)
            {
                await ReadExactlyAsync(client, header, timeout.Token);
                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                var code = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
                if (code is MessageFramer.SslRequestCode or MessageFramer.GssEncRequestCode)
                {
                    await client.SendAsync(BackendMessages.EncryptionRefused, SocketFlags.None, timeout.Token);
                    continue;
                }

                if (code != MessageFramer.ProtocolVersion3 || length is < 8 or > MaxStartupLength)
                {
                    return; // a cancel request, or not PostgreSQL: just close
                }

                await ReadExactlyAsync(client, new byte[length - 8], timeout.Token);
                await client.SendAsync(BackendMessages.FatalAtStartup(SqlState, Message(site), Hint), SocketFlags.None, timeout.Token);
                return;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            // The client left first.
        }
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new IOException("client closed");
            }

            read += n;
        }
    }
}
