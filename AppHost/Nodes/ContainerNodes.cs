namespace MediAI.AppHost.Nodes;

/// <summary>Container mode: each site's node is a citusdata/citus container, named as in the handout.</summary>
public static class ContainerNodes
{
    public const string Image = "citusdata/citus";

    /// <summary>How a container reaches the host, where the site agents' gateways listen.</summary>
    public const string HostFromContainer = "host.docker.internal";

    public static LabNode AddCitusContainer(
        this IDistributedApplicationBuilder builder,
        LabSite site,
        LabOptions options,
        int? hostPort,
        int gatewayPort,
        IResourceBuilder<ParameterResource> password)
    {
        var node = builder.AddPostgres(site.Name, password: password, port: hostPort)
            .WithImage(Image, options.CitusImageTag)
            .WithImageRegistry("docker.io")
            // docker exec -it citus_master psql -U postgres -d mediAI (the handout's commands).
            .WithContainerName(site.ContainerName)
            // ... -f /data/schema-mediAI.sql: the handout's setup commands find the scripts there.
            .WithBindMount(LabOptions.DataScripts(builder), "/data", isReadOnly: true)
            // Aspire's postgres uses scram-sha-256: Citus connects to the other nodes with this password.
            .WithEnvironment("PGPASSWORD", password)
            .WithArgs([.. NodeSettings.AsArgs(NodeSettings.Server(citus: true))])
            // Docker Desktop knows host.docker.internal; Docker Engine on Linux needs it mapped.
            .WithContainerRuntimeArgs($"--add-host={HostFromContainer}:host-gateway");

        if (options.Volumes)
        {
            node.WithDataVolume($"mediai-lab-{site.Name}");
        }

        // Nodes reach each other through the agents' gateways, on the host.
        return new LabNode(site, node, gatewayPort, HostFromContainer);
    }
}
