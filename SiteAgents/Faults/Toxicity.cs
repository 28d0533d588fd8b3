using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "toxicity" (Toxiproxy's field on every toxic): the share of links a fault acts on, from 0 to 1,
/// decided once per link. The decision is a pure function of the fault's name and the link's id, so
/// the same fault added again (a campaign replayed from its seed) picks the same links; no state.
/// </summary>
public sealed class Toxicity(IFault inner, double toxicity) : IFault, IDisposable
{
    private readonly ulong _seed = Fnv1a(inner.Name);

    /// <summary>The fault it lets act on some links (a one-shot fault removes itself by this instance).</summary>
    public IFault Inner => inner;

    public string Name => inner.Name;
    public string Type => inner.Type;
    public Flow? Flow => inner.Flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } =
        new Dictionary<string, object>(inner.Attributes) { ["toxicity"] = toxicity };

    // Admission happens before a link has an id: a fault that refuses links ("down") has no toxicity (FaultCatalog refuses it).
    public bool AllowsConnection => inner.AllowsConnection;

    /// <summary>Does the fault act on link <paramref name="connectionId"/>?</summary>
    public bool ActsOn(long connectionId) => toxicity >= 1 || (toxicity > 0 && Unit(_seed, (ulong)connectionId) < toxicity);

    public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) =>
        ActsOn(clock.ConnectionId) ? inner.BeforeChunkAsync(flow, bytes, clock, cancellationToken) : ValueTask.FromResult(ChunkAction.Relay);

    public ValueTask BeforeCloseAsync(Flow flow, ConnectionClock clock, CancellationToken cancellationToken) =>
        ActsOn(clock.ConnectionId) ? inner.BeforeCloseAsync(flow, clock, cancellationToken) : ValueTask.CompletedTask;

    public ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken) =>
        ActsOn(target.ConnectionId) ? inner.OnMessageAsync(message, target, cancellationToken) : ValueTask.FromResult(Verdict.Forward);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>A number in [0, 1) from the two inputs (SplitMix64's finalizer): the same inputs, the same number, in every process.</summary>
    private static double Unit(ulong seed, ulong value)
    {
        var z = seed ^ (value * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
