using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>A plain PostgreSQL node for the gateway tests; each test puts its own agent in front.</summary>
public sealed class GatewayNode : IAsyncLifetime
{
    public TestPostgres Node { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Node = await TestPostgres.StartAsync(Installations.Plain, "gateway");

    public ValueTask DisposeAsync() => Node.DisposeAsync();

    /// <summary>A new empty table (x int) on the node, for a test's own rows.</summary>
    public async Task<string> TableAsync()
    {
        var table = $"t_{Guid.NewGuid():N}";
        await Node.QueryAsync("postgres", $"CREATE TABLE {table} (x int)");
        return table;
    }

    /// <summary>An agent with a name of its own, so its spans are told apart.</summary>
    public Task<TestAgent> AgentAsync(bool traceStatements = true) =>
        TestAgent.StartAsync(Node, $"site{Guid.NewGuid():N}"[..12], traceStatements: traceStatements);
}
