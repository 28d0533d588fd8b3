using MediAI.AppHost;
using MediAI.AppHost.Containers;
using MediAI.AppHost.Nodes;
using MediAI.AppHost.Setup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The MediAI lab, as a list of resources: four Citus nodes (Paris coordinates; Tunis, Montréal,
// Tokyo store), a one-shot bootstrap that forms the cluster and loads the data, one agent per
// site, and the coordinator API.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    Args = args,
    // The dashboard's title: what the student opened, not the project's name ("AppHost").
    DashboardApplicationName = "MediAI Lab",
});
var options = LabOptions.From(builder.Configuration);
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("MediAI.Lab");

var dataDir = LabOptions.DataScripts(builder);

// A department's existing Citus cluster instead of the lab's own nodes (README, "On a department's Citus cluster").
if (options.Mode == NodeMode.External)
{
    return builder.RunExternalLab(options, dataDir, logger);
}

var password = builder.AddParameter("postgres-password", "postgres", secret: true);

// The professor's offline kit: write the node image to a file, then stop (README, "Classroom offline kit").
if (options.SaveImage is { } kit)
{
    return NodeImageSource.SaveKit(options, kit, logger);
}

LabCluster cluster;
try
{
    cluster = builder.AddLabCluster(options, password, logger);
}
catch (LabSetupException e)
{
    // What to install or change, without a stack trace: this is the student's first screen.
    logger.LogCritical("{Problem}", e.Message);
    return 1;
}

logger.LogInformation("MediAI lab: nodes run as {Description}", cluster.Description);

var agents = cluster.Nodes.Select(node =>
    builder.AddLabService<Projects.SiteAgents>(node.Site.AgentName)
        .WithSiteAgentOptions(node, cluster, options)
        // Socket continuations on the I/O thread: measured +20% relay throughput (scripts/bench-gateway.sh).
        .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")
        .WithEndpoint(port: node.GatewayPort, targetPort: node.GatewayPort, name: "gateway", scheme: "tcp", isProxied: false)
        // The nodes' address for each other, not one a student types: in the details pane only.
        .WithUrlForEndpoint("gateway", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
        // No wait for the node: the gateway listens at once and relays once the node is up, so the
        // agents start while the containers do (measured: 3 s off every start).
        .WithHttpHealthCheck("/health")
        // Nested under its site's node in the dashboard: four sites, not a flat list of eight.
        .WithParentRelationship(node.Resource)
        .WithIconName("Router")
        .WithUrlForEndpoint("http", url => url.DisplayText = $"{node.Site.City} agent API")
        .WithFaultCommands(node.Site, cluster.Mode == NodeMode.Containers)
        .WithClientDoor(node, cluster, DashboardAddress.From(builder.Configuration)))
    .ToList();

// The other agents place their node's part of a student's statement by asking Paris's agent,
// which keeps the students' door (one trace per statement typed in psql).
agents.WithDoorKeeper(cluster);
var partEnded = builder.ReportNodeFailures(cluster, agents, logger);

var bootstrap = builder.AddLabWorker<Projects.Coordinator_Api>("cluster-bootstrap")
    .WithArgs("bootstrap")
    .WithIconName("Wrench")
    .WithProgressRow()
    .WithCoordinatorOptions(cluster, options, dataDir)
    .WaitForNodes(cluster)
    // The agents come up first: the nodes will reach each other through them (site gateways).
    .WaitForAll(agents);

var api = builder.AddLabService<Projects.Coordinator_Api>("coordinator-api", port: 5180)
    .WithCoordinatorOptions(cluster, options, dataDir)
    // Service discovery: the API reaches each agent by name (http://agent-tokyo), for the cluster map.
    .WithAgentReferences(agents)
    .WithIconName("Globe")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Coordinator API")
    // Starts beside the bootstrap (each request reads the cluster as it is); the lab is "ready"
    // once both are done (LabReadiness).
    .WaitForNodes(cluster)
    .WithHttpHealthCheck("/health")
    .WithLabCommands();

// The line students (and scripts/measure-startup*.sh) wait for.
builder.AnnounceReadiness(api, bootstrap, partEnded,
    $"psql -h localhost -p {cluster.CoordinatorPort} -U postgres -d mediAI  (DBeaver: host localhost, port {cluster.CoordinatorPort}, database mediAI, user postgres, password postgres unless you set Parameters:postgres-password)",
    // A first start on a laptop takes minutes: a line every half minute shows it moving.
    TimeSpan.FromSeconds(options.StartProgressSeconds),
    logger);

builder.Build().Run();
return 0;
