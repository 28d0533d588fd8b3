using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>The whole AppHost, started by a test: real DCP, real processes or containers, the dashboard with its telemetry API open.</summary>
public static class LabApp
{
    public static async Task<DistributedApplication> StartAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                .. args,
                // The dashboard runs, over plain HTTP, with its telemetry API open to the test.
                "--ASPNETCORE_URLS=http://127.0.0.1:0",
                "--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:0",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ],
            (options, _) => options.DisableDashboard = false,
            cancellationToken);
        var app = await builder.BuildAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the API is healthy and the bootstrap finished; asserts it succeeded.</summary>
    public static async Task WaitUntilReadyAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var bootstrap = await app.ResourceNotifications.WaitForResourceAsync(
            "cluster-bootstrap", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cancellationToken);
        if (bootstrap.Snapshot.ExitCode != 0)
        {
            Assert.Fail(await BootstrapFailureAsync(app, bootstrap.Snapshot.ExitCode, cancellationToken));
        }

        await app.ResourceNotifications.WaitForResourceHealthyAsync("coordinator-api", cancellationToken);
    }

    /// <summary>
    /// A failed bootstrap, told from every side: its own last lines, what each agent warned of (a
    /// link it closed, a node it could not reach) and each node's last lines (a crash, a refused
    /// session) — a failed step's other end is in one of them.
    /// </summary>
    private static async Task<string> BootstrapFailureAsync(DistributedApplication app, int? exitCode, CancellationToken cancellationToken)
    {
        var lines = await LastLinesAsync(app, "cluster-bootstrap", 40);
        var report = new System.Text.StringBuilder($"cluster-bootstrap exited with {exitCode}; its last lines:\n");
        report.AppendJoin('\n', lines.Count > 0 ? lines : await DashboardLogsAsync(app, "cluster-bootstrap", cancellationToken));
        foreach (var site in LabSites.All)
        {
            report.Append('\n').Append(site.AgentName).Append("'s warnings:\n");
            report.AppendJoin('\n', await DashboardLogsAsync(app, site.AgentName, cancellationToken, minimumSeverity: 13));
            report.Append('\n').Append(site.Name).Append(" node's last lines:\n");
            report.AppendJoin('\n', await LastLinesAsync(app, site.Name, 15));
        }

        return report.ToString();
    }

    /// <summary>
    /// What a resource printed last (its console log in the dashboard): read until 2 s pass without a
    /// new line, or 15 s in all — a loaded machine hands over an exited process's log late.
    /// </summary>
    public static async Task<IReadOnlyList<string>> LastLinesAsync(DistributedApplication app, string resource, int count)
    {
        var lines = new List<string>();
        using var atMost = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(atMost.Token);
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(quiet.Token))
            {
                lines.AddRange(batch.Select(l => l.Content));
                quiet.CancelAfter(TimeSpan.FromSeconds(2));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return lines.TakeLast(count).ToList();
    }

    /// <summary>
    /// What a resource logged, as the dashboard received it (OpenTelemetry): seen empty where its console
    /// log was (an exited process's console log was not handed over in a loaded full run).
    /// </summary>
    /// <param name="minimumSeverity">OpenTelemetry's severity number: 9 information, 13 warning, 17 error.</param>
    private static async Task<IReadOnlyList<string>> DashboardLogsAsync(DistributedApplication app, string resource, CancellationToken cancellationToken, int minimumSeverity = 0)
    {
        try
        {
            using var telemetry = new HttpClient { BaseAddress = await app.GetDashboardUrlAsync(cancellationToken) };
            var logs = await telemetry.GetFromJsonAsync<JsonElement>($"/api/telemetry/logs?resource={resource}", cancellationToken);
            return [.. logs.GetProperty("data").GetProperty("resourceLogs").EnumerateArray()
                .SelectMany(r => r.GetProperty("scopeLogs").EnumerateArray())
                .SelectMany(s => s.GetProperty("logRecords").EnumerateArray())
                .Where(l => !l.TryGetProperty("severityNumber", out var severity) || severity.GetInt32() >= minimumSeverity)
                .Select(l => $"(dashboard) {l.GetProperty("body").GetProperty("stringValue").GetString()}")];
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [$"(neither its console log nor the dashboard's logs could be read: {e.Message})"];
        }
    }

    /// <summary>
    /// Polls the dashboard's telemetry API until the trace has spans from every expected service
    /// and instrumentation scope; returns the span names seen per service.
    /// </summary>
    public static async Task<Dictionary<string, HashSet<string>>> AssertTraceAsync(
        HttpClient telemetry, string traceId, string[] services, string[] scopes, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string[]>? spanNames = null)
    {
        var spans = new Dictionary<string, HashSet<string>>();
        var seenScopes = new HashSet<string>();
        // A service's spans come in several exports (a site's 2PC steps after its statements): wait for each one asked for.
        bool Complete() => services.All(spans.ContainsKey) && scopes.All(seenScopes.Contains)
            && (spanNames ?? new Dictionary<string, string[]>()).All(e => spans.TryGetValue(e.Key, out var names) && e.Value.All(names.Contains));
        for (var attempt = 0; attempt < 60 && !Complete(); attempt++)
        {
            await Task.Delay(500, cancellationToken);
            using var response = await telemetry.GetAsync($"/api/telemetry/traces/{traceId}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            var trace = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            foreach (var resourceSpans in trace.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
            {
                var service = resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                    .Where(a => a.GetProperty("key").GetString() == "service.name")
                    .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()!).FirstOrDefault();
                foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
                {
                    seenScopes.Add(scope.GetProperty("scope").GetProperty("name").GetString()!);
                    if (service is null)
                    {
                        continue;
                    }

                    var names = spans.TryGetValue(service, out var set) ? set : spans[service] = [];
                    foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    {
                        names.Add(span.GetProperty("name").GetString()!);
                    }
                }
            }
        }

        Assert.All(services, s => Assert.Contains(s, spans.Keys));
        Assert.All(scopes, s => Assert.Contains(s, seenScopes));
        foreach (var (service, names) in spanNames ?? new Dictionary<string, string[]>())
        {
            Assert.All(names, name => Assert.Contains(name, spans[service]));
        }

        return spans;
    }

    /// <summary>A span as the dashboard's telemetry API returns it (OTLP JSON).</summary>
    public sealed record DashboardSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, DateTime Start, IReadOnlyDictionary<string, string> Attributes)
    {
        public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
    }

    /// <summary>The latest spans the dashboard holds (GET /api/telemetry/spans), from every service.</summary>
    public static async Task<IReadOnlyList<DashboardSpan>> SpansAsync(HttpClient telemetry, CancellationToken cancellationToken)
    {
        using var response = await telemetry.GetAsync("/api/telemetry/spans?limit=20000", cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var spans = new List<DashboardSpan>();
        foreach (var resourceSpans in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resourceSpans.GetProperty("resource")).GetValueOrDefault("service.name", "");
            foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var nanos = long.Parse(span.GetProperty("startTimeUnixNano").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    spans.Add(new DashboardSpan(
                        service,
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        span.GetProperty("name").GetString()!,
                        DateTime.UnixEpoch.AddTicks(nanos / 100),
                        Attributes(span)));
                }
            }
        }

        return spans;
    }

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        if (owner.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault().Value.ToString();
            }
        }

        return attributes;
    }
}
