using MediAI.SiteAgents.Api;
using MediAI.SiteAgents.Faults;
using MediAI.SiteAgents.Gateway;
using MediAI.SiteAgents.Node;
using MediAI.SiteAgents.Relay;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents;

/// <summary>
/// A site agent: the gateway in front of its site's node, its faults, and its HTTP API.
/// Built here so tests can host real agents in-process (real sockets, real HTTP).
/// </summary>
public static class SiteAgentApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.AddProblemDetails();
        var site = SiteAgentOptions.From(builder.Configuration);
        builder.Services.AddSingleton(site);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(site));
        builder.Services.AddSingleton<FaultRegistry>();
        // One registry: the API adds faults to it, the gateway reads them through the relay's interface.
        builder.Services.AddSingleton<IFaultSource>(services => services.GetRequiredService<FaultRegistry>());
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<TraceContextStore>();
        builder.Services.AddSingleton<PendingPrepared>();
        builder.Services.AddSingleton<StatementLedger>();
        builder.Services.AddSingleton<LinkTracers>();
        builder.Services.AddSingleton<LateSpans>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LateSpans>());
        // Paris's agent keeps the door's ledger; the others ask it by service name (http://agent-paris).
        if (string.IsNullOrEmpty(site.CoordinatorAgent))
        {
            builder.Services.AddSingleton<IClientStatements, LocalClientStatements>();
            // Statements typed past the door (docker exec … psql): roots made from pg_stat_activity.
            builder.Services.AddSingleton<IBackendActivity, NodeBackends>();
            builder.Services.AddSingleton<SynthesizedRoots>();
            builder.Services.AddSingleton<ICoordinatorNode, OwnCoordinatorNode>();
        }
        else
        {
            builder.Services.AddHttpClient<IClientStatements, RemoteClientStatements>().AddBriefResilience();
            // No retry: a second kill would find the node down already. Bounded by the kill's own wait.
            builder.Services.AddHttpClient<ICoordinatorNode, RemoteCoordinatorNode>().AsLongCall(TimeSpan.FromSeconds(100));
        }

        builder.Services.AddSingleton<NodeProbe>();
        // Its node: the container in container mode, the PostgreSQL server in local mode.
        if (string.IsNullOrEmpty(site.NodeContainer))
        {
            builder.Services.AddSingleton<INodeControl, LocalNodeControl>();
        }
        else
        {
            builder.Services.AddSingleton<INodeControl, ContainerNodeControl>();
        }

        builder.Services.AddSingleton<NodeCrashes>();
        builder.Services.AddSingleton<FaultContext>();
        // The door's trace links: a NOTICE with each statement's trace address, while the dashboard answers.
        builder.Services.AddSingleton<DashboardLiveness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DashboardLiveness>());
        builder.Services.AddSingleton<TraceLinks>();
        builder.Services.AddSingleton<GatewayListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayListener>());
        builder.Services.AddHealthChecks().AddCheck<GatewayHealthCheck>("gateway");
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        app.MapFaultEndpoints(site.DistanceToParisKm);
        app.MapStatusEndpoint();
        app.MapNodeEndpoints();
        app.MapStatementEndpoint();

        // An agent starts healthy: no faults but the WAN profile, when asked for.
        if (site.Wan)
        {
            app.Services.GetRequiredService<FaultRegistry>().TryAdd(WanProfile.Create(site.DistanceToParisKm));
        }

        return app;
    }
}
