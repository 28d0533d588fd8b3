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

    /// <summary>The span a node's work from <paramref name="start"/> to <paramref name="until"/> joins (a 2PC step, <paramref name="twoPhaseStep"/>: its phase).</summary>
    Task<ActivityContext?> FindAsync(int pid, DateTime start, DateTime until, string? twoPhaseStep, CancellationToken cancellationToken);
}

/// <summary>This agent keeps the door, hence the ledger (Paris, and agents that were given no coordinator agent).</summary>
public sealed class LocalClientStatements(StatementLedger ledger) : IClientStatements
{
    public bool IsLocal => true;

    public ActivityContext? FindNow(int pid, DateTime at) => ledger.Find(pid, at);

    public Task<ActivityContext?> FindAsync(int pid, DateTime start, DateTime until, string? twoPhaseStep, CancellationToken cancellationToken) =>
        Task.FromResult(ledger.Find(pid, start, until, twoPhaseStep));
}

/// <summary>Asks the coordinator's agent (<see cref="SiteAgentOptions.CoordinatorAgent"/>) over HTTP.</summary>
public sealed class RemoteClientStatements(HttpClient http, SiteAgentOptions site) : IClientStatements
{
    public bool IsLocal => false;

    public ActivityContext? FindNow(int pid, DateTime at) => null;

    public async Task<ActivityContext?> FindAsync(int pid, DateTime start, DateTime until, string? twoPhaseStep, CancellationToken cancellationToken)
    {
        static string Time(DateTime t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));
        var uri = new Uri($"http://{site.CoordinatorAgent}{AgentRoutes.Statements}/{pid.ToString(CultureInfo.InvariantCulture)}?at={Time(start)}&end={Time(until)}"
            + (twoPhaseStep is null ? "" : $"&step={Uri.EscapeDataString(twoPhaseStep)}"));
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var found = await response.Content.ReadFromJsonAsync<StatementParent>(cancellationToken);
            return found is not null && ActivityContext.TryParse(found.TraceParent, null, out var context) ? context : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null; // Paris's agent is down or slow: the span stands alone, as without the door
        }
    }
}

/// <summary>GET /statements/{pid}: the span a client statement's node parts join, as a W3C traceparent.</summary>
public sealed record StatementParent(string TraceParent);
