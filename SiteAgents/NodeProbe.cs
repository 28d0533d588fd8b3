using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.SiteAgents;

/// <summary>This site's node as the agent sees it.</summary>
public sealed record SiteStatus(string Site, string City, string Node, bool Reachable, string? Version, string? Error);

/// <summary>Asks the agent's node whether it is up (a short connection, a version query).</summary>
public sealed class NodeProbe(IOptions<SiteOptions> site, IConfiguration configuration)
{
    public async Task<SiteStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var nodes = configuration.GetSection("Lab:Nodes").GetChildren();
        var node = nodes.FirstOrDefault(n => n["Site"] == site.Value.Name)
            ?? throw new InvalidOperationException($"Site '{site.Value.Name}' is not among Lab:Nodes: start the agents through the AppHost.");
        var address = $"{node["Host"]}:{node["Port"]}";
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = node["Host"],
            Port = int.Parse(node["Port"] ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
            Username = "postgres",
            Password = configuration["Lab:Password"],
            Database = "postgres",
            Timeout = 3,
            Pooling = false,
        }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            return new SiteStatus(site.Value.Name, node["City"] ?? "", address, true, connection.PostgreSqlVersion.ToString(), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new SiteStatus(site.Value.Name, node["City"] ?? "", address, false, null, e.Message);
        }
    }
}
