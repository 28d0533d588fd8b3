using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Fragmentation;

/// <summary>POST /fragmentation/check: are these fragments complete, disjoint and reconstructible?</summary>
public static class FragmentationEndpoints
{
    public static IEndpointRouteBuilder MapFragmentationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/fragmentation/check", async (FragmentationRequest? request, FragmentationChecker checker, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(await checker.CheckAsync(request ?? new FragmentationRequest(), ct));
            }
            catch (QueryRejectedException e)
            {
                return ProblemMapping.From(e);
            }
            catch (FragmentException e)
            {
                return Results.Problem(
                    title: $"PostgreSQL could not read {e.Field}.",
                    detail: e.PostgresError.MessageText,
                    statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["sqlState"] = e.PostgresError.SqlState, ["field"] = e.Field });
            }
            catch (PostgresException e)
            {
                return ProblemMapping.From(e, lab.Value);
            }
            catch (NpgsqlException e)
            {
                return ProblemMapping.Unreachable(e, lab.Value);
            }
        }).WithSummary("Check horizontal, vertical or hybrid fragments of a table: completeness, disjointness, reconstructibility, with the offending rows.");
        return app;
    }
}
