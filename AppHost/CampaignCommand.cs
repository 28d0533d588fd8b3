using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.AppHost;

/// <summary>
/// "Run fault campaign" in the coordinator API's ⋯ menu: asks for its arguments, then starts the
/// same job as POST /jobs/fault-campaign (one runner for the dashboard, the API and the CLI). The
/// API's answer is the command's: 202 names the job to follow, 409 the job already running, 400 the
/// wrong argument.
/// </summary>
public static class CampaignCommand
{
    public static IResourceBuilder<ExecutableResource> WithFaultCampaignCommand(this IResourceBuilder<ExecutableResource> api) =>
        api.WithHttpCommand("/jobs/fault-campaign", "Run fault campaign", commandName: "fault-campaign",
            commandOptions: new HttpCommandOptions
            {
                Description = "Seeded transfers between sites under random faults, then: is money conserved, is every acknowledged commit there, is anything left prepared?",
                IconName = "BeakerEdit",
                Arguments =
                [
                    new InteractionInput { Name = "transactions", Label = "Transfers", InputType = InputType.Number, Value = "200", Required = true },
                    new InteractionInput { Name = "faultRate", Label = "Share of transfers hit by a fault (0 to 1)", InputType = InputType.Text, Value = "0.5", Required = true },
                    new InteractionInput { Name = "seed", Label = "Seed (the same seed replays the same campaign; empty: a new one)", InputType = InputType.Number },
                ],
                PrepareRequest = context =>
                {
                    var body = new Dictionary<string, object>();
                    foreach (var input in context.Arguments)
                    {
                        if (string.IsNullOrWhiteSpace(input.Value))
                        {
                            continue;
                        }

                        // A number when it reads as one; else as typed, so the API names the field that is wrong.
                        body[input.Name] = double.TryParse(input.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : input.Value;
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
                        ? CommandResults.Success(
                            $"Campaign started: job {root.GetProperty("id").GetString()}. Follow it at GET /jobs/{root.GetProperty("id").GetString()} " +
                            "(its progress and, at the end, the table per fault kind).")
                        : CommandResults.Failure(root.TryGetProperty("detail", out var detail) ? detail.GetString() : root.TryGetProperty("errors", out var errors) ? errors.ToString() : text);
                },
            });
}
