using System.Text.Json;
using MediAI.Coordinator.Core.Cluster;
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
                return Results.Ok((await CampaignStore.HistoryAsync(connection, null, summary: true, ct)).Select(c =>
                {
                    using var summary = JsonDocument.Parse(c.Report);
                    var report = summary.RootElement;
                    return new
                    {
                        id = c.Id,
                        finishedAt = c.FinishedAt,
                        transactions = report.GetProperty("transactions").GetInt32(),
                        faults = report.GetProperty("faults").GetInt32(),
                        seed = report.GetProperty("seed").GetInt32(),
                        violations = report.GetProperty("violations").GetInt32(),
                        chart = $"/campaigns/{c.Id}/chart",
                    };
                }).ToList());
            }, lab.Value));

        group.MapGet("/{id:long}", (long id, NpgsqlDataSource coordinator, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => await OneAsync(coordinator, id, ct) is { } found
                ? Results.Text(found.Report, "application/json")
                : NotKept(id), lab.Value));

        group.MapGet("/{id:long}/chart", (long id, NpgsqlDataSource coordinator, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => await OneAsync(coordinator, id, ct) is { } found
                ? Chart(id, found.FinishedAt, found.Report)
                : NotKept(id), lab.Value));
        return app;
    }

    private static async Task<(long Id, DateTime FinishedAt, string Report)?> OneAsync(NpgsqlDataSource coordinator, long id, CancellationToken ct)
    {
        await using var connection = await coordinator.OpenConnectionAsync(ct);
        var rows = await CampaignStore.HistoryAsync(connection, id, summary: false, ct);
        return rows.Count == 1 ? rows[0] : null;
    }

    private static IResult Chart(long id, DateTime finishedAt, string report)
    {
        using var json = JsonDocument.Parse(report);
        return Results.Content(CampaignChart.Render(id, finishedAt, json.RootElement), "text/html; charset=utf-8");
    }

    private static IResult NotKept(long id) =>
        Results.Problem($"No campaign {id} is kept: campaigns are kept until the next \"Reset lab data\". GET /campaigns lists those there are.",
            statusCode: StatusCodes.Status404NotFound);
}
