using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "timeout": no data gets through; the link is closed 'timeout' ms later. 0: silent, as a site
/// behind a partition — the link is reset once data has waited on it for the lab's network timeout
/// (LabTimeouts.Network), as the sender's kernel would do with tcp_user_timeout over a real network.
/// </summary>
public sealed class Timeout(string name, Flow? flow, int timeoutMs) : IFault
{
    public const string TypeName = "timeout";
    private readonly long _addedAt = Environment.TickCount64;

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["timeout"] = timeoutMs };

    public async ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken)
    {
        if (timeoutMs == 0)
        {
            // The first bytes that meet the silence wait out the network timeout (nothing else is
            // relayed meanwhile: the site does not answer), then the link is reset.
            await Task.Delay(MediAI.Lab.LabTimeouts.Network, cancellationToken);
            return ChunkAction.Reset;
        }

        // Hold the data back until the timeout has run, then drop the link — even if the
        // client, waiting for an answer, sends nothing more.
        var remaining = timeoutMs - clock.ElapsedSince(_addedAt).TotalMilliseconds;
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(remaining), cancellationToken);
        }

        return ChunkAction.Close;
    }

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new Timeout(name, flow, request.WholeNumber("timeout", 0, 0, 3_600_000, errors));
}
