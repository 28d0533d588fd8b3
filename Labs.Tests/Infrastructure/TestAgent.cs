using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MediAI.SiteAgents;
using MediAI.SiteAgents.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Trace;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// A real site agent hosted in the test process: its gateway on a loopback port in front of
/// <paramref name="node"/>, its HTTP API on another, and its spans in <see cref="Spans"/>
/// (the OpenTelemetry in-memory exporter).
/// </summary>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestAgent(WebApplication app, string site, IPEndPoint gateway, Uri http, List<Activity> spans)
    {
        _app = app;
        Site = site;
        Gateway = gateway;
        Http = new HttpClient { BaseAddress = http };
        AllSpans = spans;
    }

    public string Site { get; }
    public IPEndPoint Gateway { get; }
    public HttpClient Http { get; }

    /// <summary>The students' door's port, when this agent keeps it.</summary>
    public int? ClientPort { get; private init; }

    private List<Activity> AllSpans { get; }

    /// <summary>This agent's spans (the activity source is process-wide: other agents' spans are filtered out).</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (AllSpans)
            {
                return AllSpans.Where(a => (string?)a.GetTagItem("mediai.site") == Site).ToList();
            }
        }
    }

    public string GatewayConnectionString(string database = "postgres") => TestPostgres.ConnectionStringFor(Gateway.Port, database);

    /// <summary>Adds a fault (POST /toxics, Toxiproxy's shape); fails the test with the agent's answer when refused.</summary>
    public async Task AddFaultAsync(object fault)
    {
        using var response = await Http.PostAsJsonAsync("/toxics", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<NpgsqlConnection> OpenAsync(string database = "postgres")
    {
        var connection = new NpgsqlConnection(GatewayConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    /// <param name="site">A site name unique in the test process (spans are told apart by it).</param>
    /// <param name="clientPort">Also keep the students' door on this port (Paris's agent in the lab).</param>
    /// <param name="dashboardUrl">The dashboard the door's trace links point at (none: no links).</param>
    /// <param name="doorKeeper">The agent that keeps the door (name, HTTP address): this agent asks it which client statement its node's work belongs to.</param>
    public static async Task<TestAgent> StartAsync(
        TestPostgres node, string site, string city = "Testville", int gatewayPort = 0, bool traceStatements = true, int? clientPort = null,
        (string Name, Uri Http)? doorKeeper = null, string? dashboardUrl = null)
    {
        var spans = new List<Activity>();
        var app = SiteAgentApp.Build(
        [
            .. clientPort is { } door ? new[] { $"--Site:ClientPort={door}", "--Site:NodeName=test node" } : [],
            .. dashboardUrl is { } dashboard ? new[] { $"--Site:DashboardUrl={dashboard}" } : [],
            .. doorKeeper is { } keeper ? new[] { $"--Site:CoordinatorAgent={keeper.Name}", $"--services:{keeper.Name}:http:0={keeper.Http}" } : [],
            $"--Site:Name={site}",
            $"--Site:GatewayPort={gatewayPort}",
            $"--Site:TraceStatements={traceStatements}",
            "--Site:DistanceToParisKm=9710",
            $"--Site:City={city}",
            $"--ConnectionStrings:{site}=Host={node.Host};Port={node.Port};Username=postgres;Password={TestPostgres.Password}",
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        ], builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new LockedList(spans))));
        await app.StartAsync();
        var gateway = await app.Services.GetRequiredService<GatewayListener>().Bound;
        var http = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new TestAgent(app, site, gateway, http, spans) { ClientPort = clientPort };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The exporter adds from the processor's thread while tests read.</summary>
    private sealed class LockedList(List<Activity> inner) : ICollection<Activity>
    {
        public int Count { get { lock (inner) { return inner.Count; } } }
        public bool IsReadOnly => false;
        public void Add(Activity item) { lock (inner) { inner.Add(item); } }
        public void Clear() { lock (inner) { inner.Clear(); } }
        public bool Contains(Activity item) { lock (inner) { return inner.Contains(item); } }
        public void CopyTo(Activity[] array, int arrayIndex) { lock (inner) { inner.CopyTo(array, arrayIndex); } }
        public bool Remove(Activity item) { lock (inner) { return inner.Remove(item); } }
        public IEnumerator<Activity> GetEnumerator() { lock (inner) { return inner.ToList().GetEnumerator(); } }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
