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
                return Results.Ok(new { reset = true, rows = await bootstrapper.ResetDataAsync(ct) });
            }
            catch (SiteException e) when (e.InnerException is Sql.ScriptException or PostgresException or NpgsqlException)
            {
                var sqlState = (e.InnerException as Sql.ScriptException)?.PostgresError.SqlState ?? (e.InnerException as PostgresException)?.SqlState;
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
