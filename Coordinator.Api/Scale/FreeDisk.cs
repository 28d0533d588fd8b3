using System.Globalization;
using Npgsql;

namespace MediAI.Coordinator.Scale;

/// <summary>
/// Whether each site's node has room for its share of a generation, asked before anything changes.
/// PostgreSQL has no function for free disk space, so each node's own server runs df in its data
/// directory (COPY … FROM PROGRAM, as the superuser the lab connects as): in a container that is
/// the engine's disk (Docker Desktop's VM disk included), locally the data folder's.
/// </summary>
public static class FreeDisk
{
    /// <summary>
    /// Measured: 1,000,000 patients with their rows take ~430 MB of tables and indexes, and about
    /// as much again of WAL while they load: 1 kB a patient leaves room.
    /// </summary>
    public const long BytesPerPatient = 1_000;

    /// <summary>Bytes free where the node keeps its data; null when df cannot say (then nothing is refused).</summary>
    public static async Task<long?> AvailableBytesAsync(string nodeConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(nodeConnectionString) { Pooling = false }.ConnectionString);
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
        try
        {
            // "Filesystem 1024-blocks Used Available Capacity Mounted-on": the fourth column, in kB.
            var line = (string?)await batch.ExecuteScalarAsync(cancellationToken);
            var columns = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return columns is { Length: >= 4 } && long.TryParse(columns[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        catch (PostgresException)
        {
            return null; // no df on that node, or not a superuser: the load runs unchecked, as before
        }
    }

    public static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MB");
}
