using System.Diagnostics;
using MediAI.Coordinator.Core.Sql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MediAI.Coordinator.Telemetry;

/// <summary>
/// Npgsql's spans carry each command's text, and the bootstrap and class grading create roles
/// with a password: redacted (<see cref="SecretText"/>) as the span starts, before any exporter
/// sees it, and again as it ends.
/// </summary>
public sealed class PasswordRedaction : BaseProcessor<Activity>
{
    /// <summary>Adds it to the program's tracing (the API's, the bootstrap's).</summary>
    public static void AddTo(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new PasswordRedaction()));

    private static readonly string[] StatementTags = ["db.statement", "db.query.text"];

    public override void OnStart(Activity data) => Redact(data);

    public override void OnEnd(Activity data) => Redact(data);

    private static void Redact(Activity activity)
    {
        foreach (var tag in StatementTags)
        {
            if (activity.GetTagItem(tag) is string sql && SecretText.Redact(sql) is var shown && !ReferenceEquals(shown, sql))
            {
                activity.SetTag(tag, shown);
            }
        }

        if (activity.DisplayName.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            activity.DisplayName = SecretText.Redact(activity.DisplayName);
        }
    }
}
