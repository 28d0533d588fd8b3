using System.Text.Json;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// The campaigns kept since the last reset: GET /campaigns (one line each), GET /campaigns/{id}
/// (its whole report), GET /campaigns/{id}/chart (the page to look at). Running one is a job
/// (POST /jobs/fault-campaign).
/// </summary>
public static class CampaignEndpoints
{
    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/campaigns");
        group.MapGet("/", (NpgsqlDataSource coordinator, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () =>
            {
                await using var connection = await coordinator.OpenConnectionAsync(ct);
                return Results.Ok((await CampaignStore.HistoryAsync(connection, null, ct)).Select(c =>
                {
                    var report = JsonDocument.Parse(c.Report).RootElement;
                    return new
                    {
                        id = c.Id,
                        finishedAt = c.FinishedAt,
                        transactions = report.GetProperty("transactions").GetInt32(),
                        faults = report.GetProperty("faults").GetInt32(),
                        seed = report.GetProperty("parameters").GetProperty("seed").GetInt32(),
                        violations = report.GetProperty("invariants").GetProperty("violations").GetArrayLength(),
                        chart = $"/campaigns/{c.Id}/chart",
                    };
                }));
            }, lab.Value));

        group.MapGet("/{id:long}", (long id, NpgsqlDataSource coordinator, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => await OneAsync(coordinator, id, ct) is { } found
                ? Results.Text(found.Report, "application/json")
                : NotKept(id), lab.Value));

        group.MapGet("/{id:long}/chart", (long id, NpgsqlDataSource coordinator, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => await OneAsync(coordinator, id, ct) is { } found
                ? Results.Content(CampaignChart.Render(id, found.FinishedAt, JsonDocument.Parse(found.Report).RootElement), "text/html; charset=utf-8")
                : NotKept(id), lab.Value));
        return app;
    }

    private static async Task<(long Id, DateTime FinishedAt, string Report)?> OneAsync(NpgsqlDataSource coordinator, long id, CancellationToken ct)
    {
        await using var connection = await coordinator.OpenConnectionAsync(ct);
        var rows = await CampaignStore.HistoryAsync(connection, id, ct);
        return rows.Count == 1 ? rows[0] : null;
    }

    private static IResult NotKept(long id) =>
        Results.Problem($"No campaign {id} is kept: campaigns are kept until the next \"Reset lab data\". GET /campaigns lists those there are.",
            statusCode: StatusCodes.Status404NotFound);
}
