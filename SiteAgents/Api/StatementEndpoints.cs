using System.Globalization;
using MediAI.SiteAgents.Protocol;
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
        app.MapGet(AgentRoutes.Statements + "/{pid:int}", async (int pid, string? at, string? end, int? node, string? step, string? transaction,
            IClientStatements statements, CancellationToken cancellationToken) =>
        {
            if (!Time(at, out var start) || !OptionalTime(end, out var until))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["at"] = ["at (and end) as UTC times in ISO 8601 (2026-11-26T03:55:00.1234567Z)"] });
            }

            if (step is not null && step is not (TwoPhaseStep.Prepare or TwoPhaseStep.CommitPrepared or TwoPhaseStep.RollbackPrepared))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["step"] = [$"one of {TwoPhaseStep.Prepare}, {TwoPhaseStep.CommitPrepared}, {TwoPhaseStep.RollbackPrepared}"] });
            }

            if (!statements.IsLocal)
            {
                return Results.NotFound(); // the ledger is the coordinator's agent's
            }

            var work = new NodeWork(pid, node, start, until ?? start, step, transaction);
            return await statements.FindAsync(work, cancellationToken) switch
            {
                { Untraced: true } => Results.Ok(new StatementParent(null, Untraced: true)),
                { Parent: { } context } => Results.Ok(StatementParent.From(context)),
                _ => Results.NotFound(),
            };
        });
        return app;
    }

    private static bool Time(string? text, out DateTime time) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);

    /// <summary>Absent is fine (null); present must be a time.</summary>
    private static bool OptionalTime(string? text, out DateTime? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (!Time(text, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }
}
