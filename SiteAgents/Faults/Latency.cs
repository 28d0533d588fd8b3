using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>"latency": each chunk waits latency ± jitter ms before it is relayed (a WAN link).</summary>
public sealed class Latency(string name, Flow? flow, int latencyMs, int jitterMs) : IFault
{
    public const string TypeName = "latency";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } =
        new Dictionary<string, object> { ["latency"] = latencyMs, ["jitter"] = jitterMs };

    public async ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken)
    {
        var delay = latencyMs + (jitterMs == 0 ? 0 : Random.Shared.Next(-jitterMs, jitterMs + 1));
        if (delay > 0)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return ChunkAction.Relay;
    }

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new Latency(name, flow,
            request.WholeNumber("latency", 0, 0, 60_000, errors),
            request.WholeNumber("jitter", 0, 0, 60_000, errors));
}
