using System.Diagnostics;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// A span whose parent is not known yet (a node's part of a client statement, matched at Paris
/// later): everything it records, kept until <see cref="LateSpans"/> emits it with its real times.
/// </summary>
public sealed class SpanDraft(string name, CitusClient client, TwoPhaseStep? step)
{
    public string Name { get; } = name;

    /// <summary>The coordinator backend (and its Citus transaction) this work was for.</summary>
    public CitusClient Client { get; } = client;
    public TwoPhaseStep? Step { get; } = step;
    public DateTime Start { get; } = DateTime.UtcNow;
    public DateTime End { get; set; }
    public List<KeyValuePair<string, object?>> Tags { get; } = [];
    public (ActivityStatusCode Code, string? Description) Status { get; set; }

    /// <summary>A read's: the transactions prepared at this site and undecided when it arrived.</summary>
    public IReadOnlyList<string> PendingPrepared { get; set; } = [];

    /// <summary>What Paris is asked about this work, to find its parent.</summary>
    public NodeWork Work => new(Client.Pid, Client.Node, Start, End, Step?.Step,
        Step is null ? Client.Transaction : CitusTransaction.FromGid(Step.Gid, Client.Pid));
}
