using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>A node of the lab as lab_sites records it (the address Citus uses for it).</summary>
public sealed record LabNode(string Site, string Country, string NodeName, int NodePort);

/// <summary>What the checker learns about the running lab before grading.</summary>
public sealed record LabInfo(string Server, string? CitusVersion, IReadOnlyList<LabNode> Nodes)
{
    public bool Citus => CitusVersion is not null;

    public static async Task<LabInfo> LoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var versions = new NpgsqlCommand(
            "SELECT current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'citus'), to_regclass('lab_sites') IS NOT NULL", connection);
        string server;
        string? citus;
        bool hasSites;
        await using (var reader = await versions.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (server, citus, hasSites) = (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2));
        }

        var nodes = new List<LabNode>();
        if (citus is not null && hasSites)
        {
            await using var sites = new NpgsqlCommand("SELECT site, country, nodename, nodeport FROM lab_sites ORDER BY site", connection);
            await using var reader = await sites.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                nodes.Add(new LabNode(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
            }
        }

        return new LabInfo(server, citus, nodes);
    }

    /// <summary>The same nodes in the shape the EXPLAIN reader (SiteRouting) takes.</summary>
    public LabClusterOptions ClusterOptions() => new()
    {
        Nodes = [.. Nodes.Select(n => new LabNodeOptions(n.Site, n.Site, n.Country, n.Site, SiteRole.Worker, n.NodeName, n.NodePort, n.NodeName, n.NodePort))],
    };
}
