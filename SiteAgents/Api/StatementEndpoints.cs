using System.Globalization;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Api;

/// <summary>
/// GET /statements/{pid}?at=…: which span a client's statement had open at that time (the door's
/// ledger, Paris), for the other agents to place their node's part of it.
/// </summary>
public static class StatementEndpoints
{
    public static IEndpointRouteBuilder MapStatementEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(AgentRoutes.Statements + "/{pid:int}", (int pid, string? at, StatementLedger ledger) =>
        {
            if (!DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["at"] = ["a UTC time in ISO 8601 (2026-11-26T03:55:00.1234567Z)"] });
            }

            return ledger.Find(pid, when) is { } context
                ? Results.Ok(new StatementParent($"00-{context.TraceId}-{context.SpanId}-{(context.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded) ? "01" : "00")}"))
                : Results.NotFound();
        });
        return app;
    }
}
