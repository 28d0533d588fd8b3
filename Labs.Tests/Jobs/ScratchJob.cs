using System.Text.Json;
using MediAI.Coordinator.Jobs;
using Npgsql;

namespace MediAI.Labs.Tests.Jobs;

/// <summary>
/// A job kind of the tests' own, with real effects to clean up: it creates a table on a real
/// PostgreSQL server, adds a row per step, and its cleanup drops the table — so a test can see that
/// cleanup ran after success, cancel, failure, or the API stopping.
/// </summary>
public sealed class ScratchJobFactory(string connectionString) : ILabJobFactory
{
    public string Kind => "scratch";

    public ILabJob? Create(JsonElement? parameters, Dictionary<string, string[]> errors)
    {
        var steps = 3;
        var stepMs = 10;
        var failAt = -1;
        if (parameters is { ValueKind: JsonValueKind.Object } p)
        {
            if (p.TryGetProperty("steps", out var s) && !(s.TryGetInt32(out steps) && steps is >= 1 and <= 1000))
            {
                errors["steps"] = ["must be a whole number from 1 to 1000"];
            }

            if (p.TryGetProperty("stepMs", out var ms) && !(ms.TryGetInt32(out stepMs) && stepMs is >= 0 and <= 10_000))
            {
                errors["stepMs"] = ["must be a whole number from 0 to 10000"];
            }

            if (p.TryGetProperty("failAt", out var f))
            {
                failAt = f.GetInt32();
            }
        }

        return errors.Count > 0 ? null : new ScratchJob(connectionString, steps, stepMs, failAt);
    }
}

public sealed class ScratchJob(string connectionString, int steps, int stepMs, int failAt) : ILabJob
{
    public string Table { get; } = $"scratch_{Guid.NewGuid():N}";

    public string Description => $"a scratch job of {steps} steps";

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"CREATE TABLE {Table} (step int)", cancellationToken);
        for (var i = 1; i <= steps; i++)
        {
            if (i == failAt)
            {
                throw new InvalidOperationException($"step {i} failed on purpose");
            }

            await ExecuteAsync($"INSERT INTO {Table} VALUES ({i})", cancellationToken);
            progress.Report(i, steps, $"row {i}");
            progress.Log($"row {i} written");
            await Task.Delay(stepMs, cancellationToken);
        }

        return new { rows = steps, table = Table };
    }

    public Task CleanupAsync(CancellationToken cancellationToken) => ExecuteAsync($"DROP TABLE IF EXISTS {Table}", cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
