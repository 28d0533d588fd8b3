using System.Text.Json;

namespace MediAI.Coordinator.Jobs;

/// <summary>
/// The long jobs over HTTP, the one way in for the dashboard's commands and the CLI alike:
/// POST /jobs/{kind} (parameters as JSON) → 202 and the job; GET /jobs/{id} for its progress;
/// POST /jobs/{id}/cancel. A second job while one runs → 409 naming it; a wrong parameter → 400 naming the field; a job the
/// lab cannot take as it is (a generation too big for a node's free disk) → 422 saying why.
/// </summary>
public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/jobs");
        group.MapPost("/{kind}", async (string kind, HttpRequest request, IEnumerable<ILabJobFactory> factories, JobRunner runner, CancellationToken ct) =>
        {
            var factory = factories.FirstOrDefault(f => string.Equals(f.Kind, kind, StringComparison.OrdinalIgnoreCase));
            if (factory is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"There is no job '{kind}'.",
                    detail: $"Jobs: {string.Join(", ", factories.Select(f => f.Kind))}.");
            }

            JsonElement? parameters = null;
            if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                    parameters = body.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"is not JSON: {e.Message}"] },
                        title: "The job's parameters cannot be read.");
                }
            }

            var errors = new Dictionary<string, string[]>();
            var job = factory.Create(parameters, errors);
            if (job is null)
            {
                return Results.ValidationProblem(errors, title: "The job cannot start: see which parameter is wrong.");
            }

            if (runner.Running() is null && await job.RefusalAsync(ct) is { } refusal)
            {
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The job cannot start on this lab as it is.", detail: refusal);
            }

            var (started, running) = runner.TryStart(factory.Kind, job);
            if (running is not null)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another lab job is running.",
                    detail: $"{running.Description} (job {running.Id}, {running.Progress}) is running: wait for it to end, or cancel it (POST /jobs/{running.Id}/cancel).",
                    extensions: new Dictionary<string, object?> { ["running"] = running.Id });
            }

            return Results.Accepted($"/jobs/{started!.Id}", started);
        }).WithSummary("Start a long lab job (one at a time): 202 and its id; 409 while another runs; 400 naming a wrong parameter.");

        group.MapGet("/", (JobRunner runner) => Results.Ok(runner.All()))
            .WithSummary("The running job and the last ones, newest first.");
        group.MapGet("/{id}", (string id, JobRunner runner) => runner.Find(id) is { } status ? Results.Ok(status) : NotFound(id))
            .WithSummary("One job: state, progress (done/total, step, last log lines), result or error.");
        group.MapPost("/{id}/cancel", (string id, JobRunner runner) =>
        {
            if (runner.Find(id) is not { } status)
            {
                return NotFound(id);
            }

            return runner.Cancel(id)
                ? Results.Accepted($"/jobs/{id}", runner.Find(id))
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Job {id} is not running.", detail: $"It ended: {status.State}.");
        }).WithSummary("Stop a running job: it cleans up (heals its faults, removes what it made), then ends Cancelled.");
        return app;
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No job {id}.", detail: "GET /jobs lists the running job and the last 20.");
}
