using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.Labs.Tests.Jobs;

/// <summary>Waits for a lab job to end, as the dashboard and the CLI do: GET /jobs/{id} until it is no longer Running.</summary>
public static class JobPolling
{
    public static async Task<JsonElement> EndedAsync(HttpClient api, string id, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var job = await api.GetFromJsonAsync<JsonElement>($"/jobs/{id}", cancellationToken);
            if (job.GetProperty("state").GetString() != "Running")
            {
                return job;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"job {id} still running after {limit.TotalSeconds:0} s");
        return default;
    }
}
