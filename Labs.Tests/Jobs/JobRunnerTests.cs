using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Coordinator.Jobs;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediAI.Labs.Tests.Jobs;

/// <summary>
/// The one runner for the lab's long jobs, over the API's real HTTP, with a job whose effects are
/// real tables: progress, 202 then the result, 409 on a second job while one runs, cancel, cleanup
/// after success, cancel, failure and the API stopping, 400 naming a wrong parameter.
/// </summary>
public sealed class JobRunnerTests(PlainServer plain)
{
    private async Task<(TestCoordinator Api, string Database)> StartAsync()
    {
        var database = await plain.CreateDatabaseAsync("jobs");
        var connection = TestPostgres.ConnectionStringFor(plain.Server.Port, database);
        var lab = LabConfig.For([plain.Server, plain.Server, plain.Server, plain.Server]);
        var api = await TestCoordinator.StartAsync(lab.Value, b => b.Services.AddSingleton<ILabJobFactory>(new ScratchJobFactory(connection)));
        return (api, database);
    }

    private async Task<string[]> ScratchTablesAsync(string database)
    {
        await using var connection = await plain.Server.OpenAsync(database);
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE tablename LIKE 'scratch_%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return [.. tables];
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object? body, HttpStatusCode expected)
    {
        using var response = body is null ? await http.PostAsync(path, null) : await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<JsonElement> EndedAsync(HttpClient http, string id) => JobPolling.EndedAsync(http, id, TimeSpan.FromSeconds(15));

    [Fact]
    public async Task A_job_runs_with_progress_and_its_result_then_cleans_up()
    {
        var (api, database) = await StartAsync();
        await using var running = api;
        var started = await PostAsync(api.Http, "/jobs/scratch", new { steps = 4, stepMs = 20 }, HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString()!;
        Assert.Equal("Running", started.GetProperty("state").GetString());

        var job = await EndedAsync(api.Http, id);
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        Assert.Equal(4, job.GetProperty("progress").GetProperty("done").GetInt64());
        Assert.Equal(4, job.GetProperty("progress").GetProperty("total").GetInt64());
        Assert.Equal("row 4", job.GetProperty("progress").GetProperty("step").GetString());
        Assert.Equal(4, job.GetProperty("progress").GetProperty("log").GetArrayLength());
        Assert.Equal(4, job.GetProperty("result").GetProperty("rows").GetInt32());
        Assert.Empty(await ScratchTablesAsync(database));
        Assert.Equal(id, (await api.Http.GetFromJsonAsync<JsonElement[]>("/jobs"))![0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_second_job_while_one_runs_is_409_naming_it_and_cancel_cleans_up_and_frees_the_lab()
    {
        var (api, database) = await StartAsync();
        await using var running = api;
        var first = await PostAsync(api.Http, "/jobs/scratch", new { steps = 1000, stepMs = 20 }, HttpStatusCode.Accepted);
        var id = first.GetProperty("id").GetString()!;
        await JobPolling.UntilAsync(api.Http, id, job => job.GetProperty("progress").GetProperty("done").GetInt64() >= 2, TimeSpan.FromMinutes(1));

        var conflict = await PostAsync(api.Http, "/jobs/scratch", new { steps = 1 }, HttpStatusCode.Conflict);
        Assert.Equal(id, conflict.GetProperty("running").GetString());
        Assert.Contains($"a scratch job of 1000 steps (job {id}, ", conflict.GetProperty("detail").GetString());
        Assert.Contains($"POST /jobs/{id}/cancel", conflict.GetProperty("detail").GetString());
        Assert.Single(await ScratchTablesAsync(database)); // the second made nothing

        await PostAsync(api.Http, $"/jobs/{id}/cancel", null, HttpStatusCode.Accepted);
        var cancelled = await EndedAsync(api.Http, id);
        Assert.Equal("Cancelled", cancelled.GetProperty("state").GetString());
        Assert.InRange(cancelled.GetProperty("progress").GetProperty("done").GetInt64(), 2, 999);
        Assert.Empty(await ScratchTablesAsync(database));

        // Ended: cancelling again is a conflict; the lab takes a new job.
        await PostAsync(api.Http, $"/jobs/{id}/cancel", null, HttpStatusCode.Conflict);
        var next = await PostAsync(api.Http, "/jobs/scratch", new { steps = 1 }, HttpStatusCode.Accepted);
        Assert.Equal("Succeeded", (await EndedAsync(api.Http, next.GetProperty("id").GetString()!)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_failing_job_reports_its_error_and_still_cleans_up()
    {
        var (api, database) = await StartAsync();
        await using var running = api;
        var started = await PostAsync(api.Http, "/jobs/scratch", new { steps = 5, failAt = 3 }, HttpStatusCode.Accepted);
        var job = await EndedAsync(api.Http, started.GetProperty("id").GetString()!);
        Assert.Equal("Failed", job.GetProperty("state").GetString());
        Assert.Equal("step 3 failed on purpose", job.GetProperty("error").GetString());
        Assert.Empty(await ScratchTablesAsync(database));
    }

    [Fact]
    public async Task Wrong_parameters_are_400_naming_the_field_and_unknown_jobs_404()
    {
        var (api, database) = await StartAsync();
        await using var running = api;
        var bad = await PostAsync(api.Http, "/jobs/scratch", new { steps = 0, stepMs = -1 }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("steps", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("stepMs", out _));

        using var garbage = await api.Http.PostAsync("/jobs/scratch", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("body", await garbage.Content.ReadAsStringAsync());

        var unknown = await PostAsync(api.Http, "/jobs/nope", null, HttpStatusCode.NotFound);
        Assert.Contains("scratch", unknown.GetProperty("detail").GetString());
        await PostAsync(api.Http, "/jobs/123456789012/cancel", null, HttpStatusCode.NotFound);
        Assert.Empty(await api.Http.GetFromJsonAsync<JsonElement[]>("/jobs") ?? []);
        Assert.Empty(await ScratchTablesAsync(database));
    }

    [Fact]
    public async Task Stopping_the_api_cancels_the_running_job_and_cleans_up_first()
    {
        var (api, database) = await StartAsync();
        var started = await PostAsync(api.Http, "/jobs/scratch", new { steps = 1000, stepMs = 20 }, HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString()!;
        await JobPolling.UntilAsync(api.Http, id, job => job.GetProperty("progress").GetProperty("done").GetInt64() >= 1, TimeSpan.FromMinutes(1));

        Assert.Single(await ScratchTablesAsync(database));
        await api.DisposeAsync();
        Assert.Empty(await ScratchTablesAsync(database));
    }
}
