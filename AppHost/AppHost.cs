using MediAI.AppHost;
using MediAI.AppHost.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The MediAI lab, as a list of resources: four Citus nodes (Paris coordinates; Tunis, Montréal,
// Tokyo store), a one-shot bootstrap that forms the cluster and loads the data, one agent per
// site, and the coordinator API.
var builder = DistributedApplication.CreateBuilder(args);
var options = LabOptions.From(builder.Configuration);
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("MediAI.Lab");

var password = builder.AddParameter("postgres-password", "postgres", secret: true);
var dataDir = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "data"));

var cluster = builder.AddLabCluster(options, password, logger);
logger.LogInformation("MediAI lab: nodes run as {Description}", cluster.Description);

var bootstrap = builder.AddProject<Projects.Coordinator_Api>("cluster-bootstrap", launchProfileName: null)
    .WithArgs("bootstrap")
    .WithLabCluster(cluster, password, options, dataDir)
    .WaitForNodes(cluster);

foreach (var node in cluster.Nodes)
{
    builder.AddProject<Projects.SiteAgents>($"agent-{node.Site.Name}", launchProfileName: null)
        .WithHttpEndpoint()
        .WithEnvironment("Site__Name", node.Site.Name)
        .WithLabCluster(cluster, password, options, dataDir)
        .WaitFor(node.Resource)
        .WithHttpHealthCheck("/health");
}

var api = builder.AddProject<Projects.Coordinator_Api>("coordinator-api")
    .WithLabCluster(cluster, password, options, dataDir)
    .WaitForCompletion(bootstrap)
    .WithHttpHealthCheck("/health")
    .WithHttpCommand("/lab/reset", "Reset lab data", commandName: "reset-lab",
        commandOptions: new HttpCommandOptions
        {
            Description = "Reload the seeded MediAI data (20 patients, 14 records, 13 training rows, 18 transactions).",
            ConfirmationMessage = "Replace all MediAI rows with the seeded data?",
            IconName = "ArrowReset",
        });

// The line students (and scripts/measure-startup.sh) wait for.
builder.Eventing.Subscribe<ResourceReadyEvent>(api.Resource, (e, _) =>
{
    logger.LogInformation(
        "MediAI lab ready. psql -h localhost -p {Port} -U postgres -d mediAI  (DBeaver: host localhost, port {Port}, database mediAI, user postgres, password postgres unless you set Parameters:postgres-password)",
        cluster.CoordinatorPort, cluster.CoordinatorPort);
    return Task.CompletedTask;
});

builder.Build().Run();
