using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "slicer" (Toxiproxy's): the data goes in small writes of about average_size bytes
/// (± size_variation), delay µs apart — as a lossy or congested path delivers it. Nothing is lost:
/// the client must reassemble what the PostgreSQL protocol frames.
/// </summary>
public sealed class Slicer(string name, Flow? flow, int averageSize, int sizeVariation, int delayMicroseconds) : IFault
{
    public const string TypeName = "slicer";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => flow;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>
    {
        ["average_size"] = averageSize,
        ["size_variation"] = sizeVariation,
        ["delay"] = delayMicroseconds,
    };

    public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ChunkAction.Sliced(averageSize, sizeVariation, TimeSpan.FromMicroseconds(delayMicroseconds)));

    public static IFault Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors)
    {
        var average = request.WholeNumber("average_size", 64, 1, 65_536, errors);
        var variation = request.WholeNumber("size_variation", 0, 0, 65_535, errors);
        if (variation >= average && !errors.ContainsKey("attributes.average_size"))
        {
            errors["attributes.size_variation"] = ["must be smaller than average_size"];
        }

        return new Slicer(name, flow, average, variation, request.WholeNumber("delay", 0, 0, 1_000_000, errors));
    }
}
