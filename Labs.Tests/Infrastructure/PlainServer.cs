using Npgsql;

[assembly: AssemblyFixture(typeof(MediAI.Labs.Tests.Infrastructure.PlainServer))]

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// One plain PostgreSQL server shared by the plain-tier tests; each test takes a database of its own.
/// </summary>
public sealed class PlainServer : IAsyncLifetime
{
    private TestPostgres? _server;

    public TestPostgres Server => _server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _server = await TestPostgres.StartAsync(Installations.Plain, "plain");

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new empty database, named after the test.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = await Server.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return name;
    }
}
