using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "slow_close" (Toxiproxy's): when the sender on the fault's stream closes its side, the link is
/// closed 'delay' ms later — a peer (or a middlebox) slow to tear a connection down.
/// </summary>
public sealed class SlowClose(string name, Flow? flow, int delayMs) : IFault
{
    public const string TypeName = "slow_close";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["delay"] = delayMs };

    public async ValueTask BeforeCloseAsync(Flow flow, ConnectionClock clock, CancellationToken cancellationToken) =>
        await Task.Delay(delayMs, cancellationToken);

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new SlowClose(name, flow, request.WholeNumber("delay", 0, 0, 600_000, errors));
}
