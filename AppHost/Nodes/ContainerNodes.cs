using MediAI.AppHost.Containers;
using MediAI.AppHost.Setup;

namespace MediAI.AppHost.Nodes;

/// <summary>Container mode: each site's node is a container of the chosen image, named as in the handout.</summary>
public static class ContainerNodes
{
    public static LabNode AddNodeContainer(
        this IDistributedApplicationBuilder builder,
        LabSite site,
        LabOptions options,
        NodeImage image,
        int hostPort,
        int gatewayPort,
        int doorPort,
        IResourceBuilder<ParameterResource> password)
    {
        var node = builder.AddPostgres(site.Name, password: password)
            .WithImage(image.Repository, image.Tag)
            // An image given without a registry is looked up locally first (a lab-built image has none).
            .WithImageRegistry(image.Reference == NodeImage.Default ? "docker.io" : null)
            // docker exec -it citus_master psql -U postgres -d mediAI (the handout's commands).
            .WithContainerName(site.ContainerName)
            // ... -f /data/schema-mediAI.sql: the handout's setup commands find the scripts there.
            .WithBindMount(LabOptions.DataScripts(builder), "/data", isReadOnly: true)
            // ... -f /exercises/part1/1.1-horizontal.sql: the student's own files, with no psql on their machine.
            .WithBindMount(options.ExercisesFolder(builder), "/exercises", isReadOnly: true)
            // Aspire's postgres uses scram-sha-256: Citus connects to the other nodes with this password.
            .WithEnvironment("PGPASSWORD", password)
            .WithArgs([.. NodeSettings.AsArgs(NodeSettings.Server(image.HasCitus))])
            // Published straight by the engine, on loopback only (no Aspire proxy): when the container
            // stops, the port closes, so a client gets "refused" at once instead of a proxy that
            // accepts and then waits for a node that is not there.
            .WithEndpoint(NodeSettings.EndpointName, e =>
            {
                e.IsProxied = false;
                e.Port = hostPort;
                e.TargetHost = "127.0.0.1";
            })
            .WithNodeDisplay(site, hostPort)
            .WithContainerRuntimeArgs(
                // Docker Desktop knows host.docker.internal; Docker Engine on Linux needs it mapped.
                $"--add-host={HostAccess.ContainerHostName}:host-gateway",
                // Which lab made it: a later start replaces it if that lab is gone (StaleContainers).
                "--label", $"{StaleContainers.OwnerLabel}={Environment.ProcessId}");

        if (site.Role == SiteRole.Coordinator)
        {
            node.WithPsqlThroughTheDoor(builder, doorPort);
        }

        if (options.Volumes)
        {
            node.WithDataVolume(LabVolumes.NameFor(options.VolumePrefix, site, image));
        }

        // Nodes reach each other through the agents' gateways, on the host.
        return new LabNode(site, node, gatewayPort, HostAccess.ContainerHostName);
    }
}
