using System.Runtime.CompilerServices;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "limit_data" (Toxiproxy's): a link is closed once 'bytes' bytes have gone through it on the
/// fault's stream, counted per link from when the fault met it — a connection cut mid-transfer.
/// </summary>
public sealed class LimitData(string name, Flow? flow, long limit) : IFault
{
    public const string TypeName = "limit_data";

    // Bytes relayed so far, per link and per flow; dropped with the link.
    private readonly ConditionalWeakTable<ConnectionClock, long[]> _sent = [];

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["bytes"] = limit };

    public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken)
    {
        // One pump per flow: each counter has a single writer.
        var sent = _sent.GetValue(clock, _ => new long[2]);
        var index = flow == Protocol.Flow.Upstream ? 0 : 1;
        var remaining = limit - sent[index];
        if (bytes < remaining)
        {
            sent[index] += bytes;
            return ValueTask.FromResult(ChunkAction.Relay);
        }

        sent[index] = limit;
        return ValueTask.FromResult(ChunkAction.RelayThenClose(remaining));
    }

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors)
    {
        if (request.Attributes?.ContainsKey("bytes") != true)
        {
            errors["attributes.bytes"] = ["is required: the bytes a link may carry before it is closed, from 0"];
        }

        return new LimitData(name, flow, request.WholeNumber("bytes", 0, 0, int.MaxValue, errors));
    }
}
