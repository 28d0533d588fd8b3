using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>"bandwidth": at most 'rate' KB/s on the stream.</summary>
public sealed class Bandwidth(string name, Flow? flow, int rateKbPerSecond) : IFault
{
    public const string TypeName = "bandwidth";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["rate"] = rateKbPerSecond };

    public async ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(bytes / (rateKbPerSecond * 1024.0)), cancellationToken);
        return ChunkAction.Relay;
    }

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors)
    {
        if (request.Attributes?.ContainsKey("rate") != true)
        {
            errors["attributes.rate"] = ["is required: KB/s, from 1"];
        }

        return new Bandwidth(name, flow, request.WholeNumber("rate", 1, 1, 1_000_000, errors));
    }
}
