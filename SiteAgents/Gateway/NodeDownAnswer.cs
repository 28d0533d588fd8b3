using System.Buffers;
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
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    /// <summary>SQLSTATE 57P03 cannot_connect_now: the server is not accepting connections now.</summary>
    public const string SqlState = "57P03";

    public static string Message(SiteAgentOptions site) => $"the {site.City} node ({site.NodeName}) is not running: the MediAI lab cannot reach it";

    public static string Hint(SiteAgentOptions site) =>
        $"Start it again: in the Aspire dashboard, open the node's resource ({site.Name}) and choose Start, or restart the lab " +
        "(Ctrl+C, then dotnet run --project AppHost). Your data is kept.";

    public static async Task SendAsync(Socket client, SiteAgentOptions site, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(ClientTimeout);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var header = new byte[8];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, timeout.Token);
                // The relay's own framer judges the startup header (lengths, protocol codes).
                MessageFramer.TryReadHeader(new ReadOnlySequence<byte>(header), startup: true, out _, out var length, out var code, out _);
                if (code is MessageFramer.SslRequestCode or MessageFramer.GssEncRequestCode)
                {
                    await stream.WriteAsync(BackendMessages.EncryptionRefused, timeout.Token);
                    continue;
                }

                if (code != MessageFramer.ProtocolVersion3)
                {
                    return; // a cancel request: nothing to cancel, just close
                }

                await stream.ReadExactlyAsync(new byte[length - 8], timeout.Token);
                await stream.WriteAsync(BackendMessages.FatalAtStartup(SqlState, Message(site), Hint(site)), timeout.Token);
                return;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ProtocolViolationException)
        {
            // The client left first, or does not speak PostgreSQL: just close.
        }
    }
}
