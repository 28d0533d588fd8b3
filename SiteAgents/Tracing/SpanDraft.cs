using System.Diagnostics;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// A span whose parent is not known yet (a node's part of a client statement, matched at Paris
/// later): everything it records, kept until <see cref="LateSpans"/> emits it with its real times.
/// </summary>
public sealed class SpanDraft(string name, int clientPid, TwoPhaseStep? step)
{
    public string Name { get; } = name;
    public int ClientPid { get; } = clientPid;
    public TwoPhaseStep? Step { get; } = step;
    public DateTime Start { get; } = DateTime.UtcNow;
    public DateTime End { get; set; }
    public List<KeyValuePair<string, object?>> Tags { get; } = [];
    public (ActivityStatusCode Code, string? Description) Status { get; set; }
}
