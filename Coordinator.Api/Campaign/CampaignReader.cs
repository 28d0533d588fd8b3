using System.Collections.Concurrent;
using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// One of a campaign's readers (--readers N): while the transfers run, it reads both legs of every
/// transfer through the coordinator, in one statement, again and again, and notes the transfers it
/// saw by half. Citus runs the statement's part at each shard in that shard's own snapshot, and a
/// site's leg becomes visible when that site's COMMIT PREPARED arrives: so it can see half.
/// </summary>
public static class CampaignReader
{
    /// <summary>The transfers whose debit and credit are not both there, or both absent: seen by half.</summary>
    public static string HalvesSql(string table) =>
        $"SELECT transfer_id, bool_or(delta < 0) FROM {table} GROUP BY transfer_id HAVING bool_or(delta < 0) IS DISTINCT FROM bool_or(delta > 0)";

    /// <summary>After an error (a site down, the coordinator killed), before the next read: no tight loop against a dead node.</summary>
    private static readonly TimeSpan AfterError = TimeSpan.FromMilliseconds(200);

    public static async Task RunAsync(string connectionString, ReadStrategy strategy, Func<long> during, ConcurrentQueue<LegsRead> reads, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var at = DateTimeOffset.UtcNow;
            var transfer = during();
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stop);
                await SendAsync(strategy.Before);

                var halves = new List<(long, bool)>();
                await using (var command = new NpgsqlCommand(HalvesSql(strategy.Table), connection))
                await using (var reader = await command.ExecuteReaderAsync(stop))
                {
                    while (await reader.ReadAsync(stop))
                    {
                        halves.Add((reader.GetInt64(0), reader.GetBoolean(1)));
                    }
                }

                await SendAsync(strategy.After);
                reads.Enqueue(new LegsRead(at, transfer, halves));

                async Task SendAsync(string[] statements)
                {
                    foreach (var sql in statements)
                    {
                        await using var step = new NpgsqlCommand(sql, connection);
                        await step.ExecuteNonQueryAsync(stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // the transfers are over: a read cut short is no read
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                reads.Enqueue(new LegsRead(at, transfer, [], e.Message));
                try
                {
                    await Task.Delay(AfterError, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
