using MediAI.AppHost.Containers;

namespace MediAI.AppHost.Nodes;

/// <summary>
/// psql inside the coordinator's container — `docker exec -it citus_master psql -U postgres -d mediAI`,
/// the path of a student with no psql of their own — comes in through the students' door like psql
/// at localhost:5432, so it gets the trace links too. The container's psql reads a psqlrc that
/// reconnects to the door (host.docker.internal, the door's port): psql only. Environment variables
/// the server also reads (PGPORT) or that the image's start-up scripts would follow (PGHOST,
/// PGSERVICE) would move the node itself; a psqlrc moves nothing but an interactive or -f/-c psql,
/// and `psql -X` still reaches the node directly. The password is the container's PGPASSWORD.
/// </summary>
public static class ContainerPsqlDoor
{
    private const string MountedAt = "/etc/mediai/psqlrc";

    public static IResourceBuilder<PostgresServerResource> WithPsqlThroughTheDoor(
        this IResourceBuilder<PostgresServerResource> node, IDistributedApplicationBuilder builder, int doorPort) =>
        node.WithBindMount(Path.Combine(builder.AppHostDirectory, "Nodes", "door.psqlrc"), MountedAt, isReadOnly: true)
            .WithEnvironment("PSQLRC", MountedAt)
            .WithEnvironment("MEDIAI_DOOR_HOST", HostAccess.ContainerHostName)
            .WithEnvironment("MEDIAI_DOOR_PORT", doorPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
