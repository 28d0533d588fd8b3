using MediAI.Coordinator.Bootstrap;
using Npgsql;

namespace MediAI.Coordinator.Endpoints;

/// <summary>Lab-wide operations: reset the data to its seeded state.</summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/lab/reset", async (ClusterBootstrapper bootstrapper, CancellationToken ct) =>
        {
            try
            {
                var rows = await bootstrapper.ResetDataAsync(ct);
                // The trace to open in the dashboard: the API, Npgsql, and every site's part of the reload.
                return Results.Ok(new { reset = true, rows, traceId = System.Diagnostics.Activity.Current?.TraceId.ToString() });
            }
            catch (SiteException e) when (e.InnerException is Core.Sql.ScriptException or PostgresException or NpgsqlException)
            {
                var sqlState = (e.InnerException as Core.Sql.ScriptException)?.PostgresError.SqlState ?? (e.InnerException as PostgresException)?.SqlState;
                return Results.Problem(
                    title: "The lab data could not be reset; nothing was changed.",
                    detail: e.Message,
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?> { ["sqlState"] = sqlState, ["site"] = e.City });
            }
        });
        return app;
    }
}
