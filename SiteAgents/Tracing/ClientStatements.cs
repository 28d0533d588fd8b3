using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// Where a node's part of a client's statement finds the span it belongs to: the students' door
/// at Paris keeps the <see cref="StatementLedger"/>; the other agents ask Paris's agent by service
/// name (http://agent-paris), after the fact, so the relay never waits on tracing.
/// </summary>
public interface IClientStatements
{
    /// <summary>True where the ledger is in this process: the answer is immediate.</summary>
    bool IsLocal { get; }

    /// <summary>The statement backend <paramref name="pid"/> is running now, where the ledger is in this process.</summary>
    ActivityContext? FindNow(int pid, DateTime at);

    /// <summary>Where a node's <paramref name="work"/> goes: under a span (a 2PC step: its commit's phase), nowhere known, or out.</summary>
    Task<Placement> FindAsync(NodeWork work, CancellationToken cancellationToken);
}

/// <summary>
/// This agent keeps the door, hence the ledger (Paris, and agents that were given no coordinator
/// agent). Work of a backend the door never saw gets a root made for it (<see cref="SynthesizedRoots"/>).
/// </summary>
public sealed class LocalClientStatements(StatementLedger ledger, SynthesizedRoots roots) : IClientStatements
{
    public bool IsLocal => true;

    public ActivityContext? FindNow(int pid, DateTime at) => ledger.Find(pid, at);

    public async Task<Placement> FindAsync(NodeWork work, CancellationToken cancellationToken) =>
        ledger.Find(work.Pid, work.Start, work.End, work.Step, nearest: true) is { } statement
            ? Placement.Under(statement)
            : await roots.FindAsync(work, cancellationToken);
}

/// <summary>Asks the coordinator's agent (<see cref="SiteAgentOptions.CoordinatorAgent"/>) over HTTP.</summary>
public sealed class RemoteClientStatements(HttpClient http, SiteAgentOptions site) : IClientStatements
{
    public bool IsLocal => false;

    public ActivityContext? FindNow(int pid, DateTime at) => null;

    public async Task<Placement> FindAsync(NodeWork work, CancellationToken cancellationToken)
    {
        static string Time(DateTime t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"http://{site.CoordinatorAgent}{AgentRoutes.Statements}/{work.Pid}?at={Time(work.Start)}&end={Time(work.End)}&node={work.Node}")
            + (work.Step is null ? "" : $"&step={Uri.EscapeDataString(work.Step)}")
            + (work.Transaction is null ? "" : $"&transaction={Uri.EscapeDataString(work.Transaction)}"));
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Placement.Unknown;
            }

            var found = await response.Content.ReadFromJsonAsync<StatementParent>(cancellationToken);
            return found switch
            {
                { Untraced: true } => Placement.Out,
                { TraceParent: { } traceParent } when ActivityContext.TryParse(traceParent, null, out var context) => Placement.Under(context),
                _ => Placement.Unknown,
            };
        }
        catch (Exception e) when (BriefCalls.IsUnanswered(e, cancellationToken) || e is System.Text.Json.JsonException)
        {
            return Placement.Unknown; // Paris's agent is down or slow: the span stands alone, as without the door
        }
    }
}

/// <summary>
/// GET /statements/{pid}: the span a client statement's node parts join, as a W3C traceparent;
/// or <paramref name="Untraced"/>: the work is the lab's own or Citus's background, and stays out.
/// </summary>
public sealed record StatementParent(string? TraceParent, bool Untraced = false)
{
    public static StatementParent From(ActivityContext context) =>
        new($"00-{context.TraceId}-{context.SpanId}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}");
}

/// <summary>Where a node's work goes: <see cref="Parent"/>; none known (<see cref="Unknown"/>, a root of its own); or <see cref="Out"/> of the traces.</summary>
public readonly record struct Placement(ActivityContext? Parent, bool Untraced)
{
    public static Placement Unknown => default;

    public static Placement Out => new(null, Untraced: true);

    public static Placement Under(ActivityContext parent) => new(parent, Untraced: false);
}
