using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one place every lab service gets its telemetry, health checks, service discovery and
/// HTTP resilience (the Aspire ServiceDefaults convention).
/// </summary>
public static class Extensions
{
    /// <summary>Activity sources of the lab's own code: "MediAI.Coordinator", "MediAI.SiteAgent", ….</summary>
    public const string LabActivitySources = "MediAI.*";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Polly-based retries, timeouts and circuit breaker for calls between lab services.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        // Lab:Tracing=false turns spans off (scripts/bench-api.sh measures what tracing costs).
        if (!string.Equals(builder.Configuration["Lab:Tracing"], "false", StringComparison.OrdinalIgnoreCase))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(LabActivitySources)
                // Npgsql's own spans: the client side of every query the lab sends.
                .AddSource("Npgsql")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would bury the lab's real traces; so would the
                    // agents' placing of spans (GET /statements/…), plumbing of tracing itself: one
                    // per site statement a student types.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments(MediAI.Lab.AgentRoutes.Statements))
                .AddHttpClientInstrumentation(options =>
                    options.FilterHttpRequestMessage = request =>
                        request.RequestUri is not { } uri || !uri.AbsolutePath.StartsWith(MediAI.Lab.AgentRoutes.Statements, StringComparison.Ordinal)));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// /health (ready) and /alive (live). Mapped in every environment: the lab only ever binds to
    /// loopback, and the AppHost's health checks need them outside Development too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });
        return app;
    }
}
