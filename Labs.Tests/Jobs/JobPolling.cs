using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.Labs.Tests.Jobs;

/// <summary>Watches a lab job as the dashboard and the CLI do: GET /jobs/{id} until it shows what the test waits for.</summary>
public static class JobPolling
{
    /// <summary>Until the job is no longer Running.</summary>
    public static Task<JsonElement> EndedAsync(HttpClient api, string id, TimeSpan limit, CancellationToken cancellationToken = default) =>
        UntilAsync(api, id, job => job.GetProperty("state").GetString() != "Running", limit, cancellationToken);

    /// <summary>Until <paramref name="condition"/> holds; a job that ends before it does fails the test (it never will).</summary>
    public static async Task<JsonElement> UntilAsync(HttpClient api, string id, Func<JsonElement, bool> condition, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + limit;
        var job = default(JsonElement);
        while (DateTime.UtcNow < deadline)
        {
            job = await api.GetFromJsonAsync<JsonElement>($"/jobs/{id}", cancellationToken);
            if (condition(job))
            {
                return job;
            }

            Assert.True(job.GetProperty("state").GetString() == "Running", $"job {id} ended before the test saw what it waited for: {job}");
            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"job {id}: what the test waited for did not happen in {limit.TotalSeconds:0} s (last seen: {job})");
        return default;
    }
}
