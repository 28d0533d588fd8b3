using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.AppHost;

/// <summary>
/// A long job's command in the coordinator API's ⋯ menu (fault campaign, data generator): asks for
/// its arguments, then starts the same job as POST /jobs/{kind} (one runner for the dashboard, the
/// API and the CLI). The API's answer is the command's: 202 names the job to follow, 409 the job
/// already running, 400 the wrong argument.
/// </summary>
public static class JobCommand
{
    public static IResourceBuilder<ExecutableResource> WithJobCommand(
        this IResourceBuilder<ExecutableResource> api, string kind, string label, string description, string icon, string started, IReadOnlyList<InteractionInput> arguments) =>
        api.WithHttpCommand($"/jobs/{kind}", label, commandName: kind,
            commandOptions: new HttpCommandOptions
            {
                Description = description,
                IconName = icon,
                Arguments = [.. arguments],
                PrepareRequest = context =>
                {
                    var body = new Dictionary<string, object>();
                    foreach (var input in context.Arguments)
                    {
                        if (string.IsNullOrWhiteSpace(input.Value))
                        {
                            continue;
                        }

                        // A number or a boolean when it reads as one; else as typed, so the API names the field that is wrong.
                        body[input.Name] = double.TryParse(input.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                            : bool.TryParse(input.Value, out var flag) ? flag
                            : input.Value;
                    }

                    context.Request.Content = JsonContent.Create(body);
                    return Task.CompletedTask;
                },
                GetCommandResult = async context =>
                {
                    var text = await context.Response.Content.ReadAsStringAsync(context.CancellationToken);
                    using var json = JsonDocument.Parse(text.Length > 0 ? text : "{}");
                    var root = json.RootElement;
                    return context.Response.IsSuccessStatusCode
                        ? CommandResults.Success($"{started}: job {root.GetProperty("id").GetString()}. Follow it at GET /jobs/{root.GetProperty("id").GetString()}.")
                        : CommandResults.Failure(root.TryGetProperty("detail", out var detail) ? detail.GetString() : root.TryGetProperty("errors", out var errors) ? errors.ToString() : text);
                },
            });
}
