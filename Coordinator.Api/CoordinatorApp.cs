using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.Campaign;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Core.Sessions;
using MediAI.Coordinator.Endpoints;
using MediAI.Coordinator.Fragmentation;
using MediAI.Coordinator.Jobs;
using MediAI.Coordinator.Queries;
using MediAI.Coordinator.Replication;
using MediAI.Coordinator.Transactions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace MediAI.Coordinator;

/// <summary>
/// The coordinator API: the lab's questions over HTTP. Built here so tests can host it
/// in-process on real sockets against real PostgreSQL.
/// </summary>
public static class CoordinatorApp
{
    /// <summary>Largest request body accepted (a query and its parameters).</summary>
    public const long MaxRequestBytes = 64 * 1024;

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBytes);
        // The cluster, by mode (the lab's own nodes, or an existing cluster): a missing or wrong
        // setting, or a cluster the lab cannot use, stops the program here, saying what to fix.
        var lab = await LabClusterOptions.ResolveAsync(builder.Configuration, cancellationToken);
        builder.Services.AddSingleton(Options.Create(lab));
        builder.Services.Configure<QueryLimits>(builder.Configuration.GetSection(QueryLimits.Section));
        builder.Services.AddSingleton<ClusterBootstrapper>();
        builder.Services.AddSingleton<ClusterMap>();
        // The agents by service name (http://agent-tokyo); the map asks them briefly: one retry, 2 s a try.
        builder.Services.AddHttpClient<AgentClient>().AddBriefResilience();
        builder.Services.AddHttpClient<AgentNodeClient>().AsLongCall(TimeSpan.FromSeconds(120));
        builder.Services.AddSingleton<TracedQueries>();
        builder.Services.AddSingleton<DistributedTransactions>();
        builder.Services.AddSingleton<FragmentationChecker>();
        builder.Services.AddSingleton<ReplicationDemo>();
        // Long jobs (fault campaign, data generator, class grading): one runner, one at a time.
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobRunner>());
        builder.Services.AddSingleton<PooledBackends>();
        builder.Services.AddTransient<ILabJobFactory, FaultCampaignFactory>();
        builder.Services.AddTransient<ILabJobFactory, Bench.FailureTimesFactory>();
        builder.Services.AddTransient<ILabJobFactory, Scale.DataGeneratorFactory>();
        builder.Services.AddTransient<ILabJobFactory, Classroom.ClassGradingFactory>();
        builder.Services.AddProblemDetails();
        // Roles are created with a password: never in a span's SQL text.
        Telemetry.PasswordRedaction.AddTo(builder.Services);
        builder.Services.AddOpenApi();

        // The coordinator connection (Aspire.Npgsql: pooling, health check, Npgsql traces and metrics):
        // the Paris node's connection string from the AppHost, in the lab's database.
        builder.Configuration["ConnectionStrings:mediai"] = lab.ConnectionString(lab.Coordinator, LabSites.Database);
        builder.AddNpgsqlDataSource("mediai");
        // Users' SQL (queries, fragments) runs as the read-only role, in read-only transactions.
        builder.Configuration[$"ConnectionStrings:{ReadOnlySession.DataSourceKey}"] = lab.ConnectionString(lab.Coordinator, LabSites.Database, LabClusterOptions.ReaderRole);
        // No health check of its own: the bootstrap, which runs beside the API, creates this role last,
        // so the check would log "28P01 password authentication failed" at every start, red in the
        // dashboard for nothing. The coordinator's check above already says whether Paris answers.
        builder.AddKeyedNpgsqlDataSource(ReadOnlySession.DataSourceKey, settings => settings.DisableHealthChecks = true);

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapLabEndpoints();
        app.MapQueryEndpoints();
        app.MapTransactionEndpoints();
        app.MapFragmentationEndpoints();
        app.MapReplicationEndpoints();
        app.MapJobEndpoints();
        app.MapCampaignEndpoints();
        return app;
    }
}
