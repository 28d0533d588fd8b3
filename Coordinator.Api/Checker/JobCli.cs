using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// A lab job run from the terminal, as the dashboard and the API run it (POST /jobs/{kind}): start
/// it, print its progress, Ctrl+C cancels it (the job cleans up), and hand back its result — or
/// null once the reason it could not run or finish is printed (exit 2).
/// </summary>
public static class JobCli
{
    /// <param name="option">How a wrong parameter of the job's JSON is named as this command's option (faultRate → fault-rate).</param>
    public static async Task<JsonElement?> RunAsync(HttpClient http, string kind, object parameters, string what, Func<string, string> option, CancellationToken cancellationToken)
    {
        JsonElement job;
        try
        {
            using var start = await http.PostAsJsonAsync($"/jobs/{kind}", parameters, cancellationToken);
            job = await start.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (start.StatusCode != HttpStatusCode.Accepted)
            {
                await Console.Error.WriteLineAsync(start.StatusCode == HttpStatusCode.BadRequest && job.TryGetProperty("errors", out var errors)
                    ? $"The {what} cannot start: {string.Join("; ", errors.EnumerateObject().Select(e => $"--{option(e.Name)} {e.Value[0]}"))}"
                    : $"The {what} cannot start: {(job.TryGetProperty("detail", out var detail) ? detail.GetString() : start.StatusCode.ToString())}");
                return null;
            }
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"Cannot reach the coordinator API at {http.BaseAddress}: {e.Message}. Start the lab (dotnet run --project AppHost), or pass --api.");
            return null;
        }

        var id = job.GetProperty("id").GetString()!;
        Console.WriteLine($"Started {job.GetProperty("description").GetString()} (job {id}). Ctrl+C cancels it.");
        var shown = "";
        while (true)
        {
            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"Cancelling: the {what} stops and puts the lab back as it found it …");
                using var cancel = await http.PostAsync($"/jobs/{id}/cancel", null, CancellationToken.None);
                do
                {
                    await Task.Delay(500, CancellationToken.None);
                    job = await http.GetFromJsonAsync<JsonElement>($"/jobs/{id}", CancellationToken.None);
                }
                while (job.GetProperty("state").GetString() == "Running");

                Console.WriteLine($"Job {id}: {job.GetProperty("state").GetString()}.");
                return null;
            }

            job = await http.GetFromJsonAsync<JsonElement>($"/jobs/{id}", cancellationToken);
            var step = $"[{job.GetProperty("progress").GetProperty("done")}/{job.GetProperty("progress").GetProperty("total")}] {job.GetProperty("progress").GetProperty("step").GetString()}";
            if (step != shown)
            {
                Console.WriteLine(step);
                shown = step;
            }

            if (job.GetProperty("state").GetString() != "Running")
            {
                break;
            }
        }

        if (job.GetProperty("state").GetString() != "Succeeded")
        {
            await Console.Error.WriteLineAsync($"The {what} {job.GetProperty("state").GetString()?.ToLowerInvariant()}: {(job.TryGetProperty("error", out var error) ? error.GetString() : "")}");
            return null;
        }

        return job.GetProperty("result");
    }
}
