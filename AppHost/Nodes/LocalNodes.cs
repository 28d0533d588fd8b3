using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MediAI.AppHost.Nodes;

/// <summary>Local mode: each site's node is a PostgreSQL server process on this machine.</summary>
public static class LocalNodes
{
    public static LabNode AddLocalNode(
        this IDistributedApplicationBuilder builder,
        LabSite site,
        PostgresInstallation postgres,
        string dataRoot,
        int port,
        int gatewayPort,
        IResourceBuilder<ParameterResource> password)
    {
        var dataDir = Path.Combine(dataRoot, site.Name);
        var (command, prefix) = RunAsPostgres.Wrap(postgres.Postgres);
        string[] args =
        [
            .. prefix,
            "-D", dataDir,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. NodeSettings.AsArgs(NodeSettings.Server(postgres.HasCitus)),
            // Loopback only; no Unix socket, so the lab never collides with a system PostgreSQL's.
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
        ];

        var healthCheckKey = $"{site.Name}-ready";
        var node = builder.AddResource(new LocalNodeResource(site.Name, command, dataRoot, password.Resource))
            .WithArgs(args)
            .WithEndpoint(port: port, targetPort: port, name: NodeSettings.EndpointName, scheme: "tcp", isProxied: false)
            // libpq in Citus reads PGPASSWORD when this node connects to the others.
            .WithEnvironment("PGPASSWORD", password)
            .WithNodeDisplay(site, port)
            .WithHealthCheck(healthCheckKey);

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new PostgresReadyCheck(async ct => new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = NodeSettings.UserName,
                Password = await password.Resource.GetValueAsync(ct),
                Database = "postgres",
                Timeout = 3,
                Pooling = false,
            }.ConnectionString),
            failureStatus: null,
            tags: null));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(node.Resource, async (e, ct) =>
        {
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(e.Resource);
            var secret = await password.Resource.GetValueAsync(ct) ?? "";
            await LocalDataDirectory.EnsureInitializedAsync(postgres, dataDir, secret, logger, ct);
        });

        return new LabNode(site, node, gatewayPort, "127.0.0.1");
    }
}
