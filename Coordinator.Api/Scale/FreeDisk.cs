using System.Globalization;
using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.Scale;

/// <summary>
/// Whether the nodes' disks have room for a generation, asked before anything changes.
/// PostgreSQL has no function for free disk space, so each node's own server runs df in its data
/// directory (COPY … FROM PROGRAM, as the superuser the lab connects as). Nodes usually share a
/// disk — every container the engine's, every local node the data root's — so shares are summed
/// per disk (same device and size), and what the previous generation holds there (dropped first) is credited.
/// </summary>
public static class FreeDisk
{
    /// <summary>
    /// Measured: 1,000,000 patients with their rows take ~430 MB of tables and indexes, and about
    /// as much again of WAL while they load: 1 kB a patient leaves room.
    /// </summary>
    public const long BytesPerPatient = 1_000;

    /// <summary>What df says of the disk a node keeps its data on.</summary>
    private sealed record Disk(string Device, long TotalKb, long AvailableBytes);

    /// <summary>Why the load does not fit (every disk short of room, with the sites on it), or null.</summary>
    public static async Task<string?> ShortfallAsync(LabClusterOptions lab, IReadOnlyList<int> patientsPerCountry, CancellationToken cancellationToken)
    {
        var keep = lab.KeepFreeDiskMegabytes * (1L << 20);
        var held = await PreviousGenerationBytesAsync(lab, cancellationToken);
        var sites = new List<(LabSite Site, long Need, Disk Disk)>();
        foreach (var (site, i) in LabSites.All.Select((s, i) => (s, i)))
        {
            var node = lab.Nodes.Single(n => n.Site == site.Name);
            // A node that does not answer is not judged here: the load then fails naming it.
            if (await DiskOfAsync(lab.ProbeConnectionString(node), cancellationToken) is { } disk)
            {
                sites.Add((site, patientsPerCountry[i] * BytesPerPatient - held.GetValueOrDefault((node.ClusterHost, node.ClusterPort)), disk));
            }
        }

        var short_ = sites.GroupBy(s => (s.Disk.Device, s.Disk.TotalKb))
            .Select(g => (Sites: g.Select(s => s.Site.City).ToList(), Need: g.Sum(s => s.Need), Free: g.First().Disk.AvailableBytes))
            .Where(d => d.Free - d.Need < keep)
            .Select(d => $"{string.Join(", ", d.Sites)} {(d.Sites.Count > 1 ? "share a disk that has" : "has")} {Size(d.Free)} free and would take about {Size(Math.Max(d.Need, 0))}")
            .ToList();
        return short_.Count == 0 ? null
            : $"Not enough free disk for {patientsPerCountry.Sum():N0} patients: {string.Join("; ", short_)}, and the lab keeps {Size(keep)} free. "
              + "Generate fewer patients, or free disk space (in container mode: docker system df shows what the engine holds), then try again. Nothing was changed.";
    }

    private static async Task<Disk?> DiskOfAsync(string nodeConnectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(nodeConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("CREATE TEMP TABLE lab_df (line text)"),
                    new("COPY lab_df FROM PROGRAM 'df -Pk .'"),
                    new("SELECT line FROM lab_df OFFSET 1 LIMIT 1"),
                },
            };

            // "Filesystem 1024-blocks Used Available Capacity Mounted-on".
            var columns = ((string?)await batch.ExecuteScalarAsync(cancellationToken))?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return columns is { Length: >= 4 }
                && long.TryParse(columns[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var total)
                && long.TryParse(columns[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var available)
                ? new Disk(columns[0], total, available * 1024)
                : null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return null; // no df there, not a superuser, or the node is down: not judged (the load itself says what is wrong)
        }
    }

    /// <summary>Bytes of the previous generation's shards on each node (where the nodes reach it), freed when the next one starts.</summary>
    private static async Task<Dictionary<(string, int), long>> PreviousGenerationBytesAsync(LabClusterOptions lab, CancellationToken cancellationToken)
    {
        var held = new Dictionary<(string, int), long>();
        try
        {
            await using var connection = new NpgsqlConnection(lab.ProbeConnectionString(lab.Coordinator));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                $"SELECT nodename, nodeport, sum(shard_size)::bigint FROM citus_shards WHERE table_name::text LIKE '{ScaleStore.Schema}.%' GROUP BY 1, 2", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                held[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // No Citus, or the coordinator is down: nothing credited.
        }

        return held;
    }

    public static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MB");
}
