using MediAI.SiteAgents.Gateway;

namespace MediAI.SiteAgents;

/// <summary>Reads which site this agent serves from configuration ("Site" and "Lab:Nodes", set by the AppHost).</summary>
public static class SiteSettings
{
    public static SiteContext From(IConfiguration configuration)
    {
        var name = configuration["Site:Name"];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidOperationException("Site:Name is not set. Start the agents through the AppHost: dotnet run --project AppHost");
        }

        var node = configuration.GetSection("Lab:Nodes").GetChildren().FirstOrDefault(n => n["Site"] == name)
            ?? throw new InvalidOperationException($"Site '{name}' is not among Lab:Nodes. Start the agents through the AppHost.");
        return new SiteContext(
            Site: name,
            City: node["City"] ?? name,
            NodeHost: node["Host"] ?? "127.0.0.1",
            NodePort: int.Parse(node["Port"] ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
            BindAddresses: (configuration["Site:GatewayBind"] ?? "127.0.0.1").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            GatewayPort: configuration.GetValue("Site:GatewayPort", 0),
            TraceStatements: configuration.GetValue("Site:TraceStatements", true),
            ClientPort: configuration.GetValue<int?>("Site:ClientPort"),
            NodeName: configuration["Site:NodeName"] ?? "node");
    }
}
