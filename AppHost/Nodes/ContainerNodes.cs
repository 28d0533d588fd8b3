namespace MediAI.AppHost.Nodes;

/// <summary>Container mode: each site's node is a citusdata/citus container, named as in the handout.</summary>
public static class ContainerNodes
{
    public const string Image = "citusdata/citus";
    private const int PostgresPort = 5432;

    public static LabNode AddCitusContainer(
        this IDistributedApplicationBuilder builder,
        LabSite site,
        LabOptions options,
        int? hostPort,
        IResourceBuilder<ParameterResource> password)
    {
        var node = builder.AddPostgres(site.Name, password: password, port: hostPort)
            .WithImage(Image, options.CitusImageTag)
            .WithImageRegistry("docker.io")
            // docker exec -it citus_master psql -U postgres -d mediAI (the handout's commands).
            .WithContainerName(site.ContainerName)
            // Aspire's postgres uses scram-sha-256: Citus connects to the other nodes with this password.
            .WithEnvironment("PGPASSWORD", password)
            .WithArgs([.. NodeSettings.AsArgs(NodeSettings.Server(citus: true))]);

        if (options.Volumes)
        {
            node.WithDataVolume($"mediai-lab-{site.Name}");
        }

        // Containers reach each other by container name on the app's container network.
        return new LabNode(site, node, site.ContainerName, PostgresPort);
    }
}
