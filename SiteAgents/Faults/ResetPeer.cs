using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>"reset_peer": the link is reset (TCP RST) when it carries data 'timeout' ms or more after it opened.</summary>
public sealed class ResetPeer(string name, Flow? flow, int timeoutMs) : IFault
{
    public const string TypeName = "reset_peer";
    private readonly long _addedAt = Environment.TickCount64;

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["timeout"] = timeoutMs };

    public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) =>
        ValueTask.FromResult(clock.ElapsedSince(_addedAt).TotalMilliseconds >= timeoutMs ? ChunkAction.Reset : ChunkAction.Relay);

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new ResetPeer(name, flow, request.WholeNumber("timeout", 0, 0, 3_600_000, errors));
}
