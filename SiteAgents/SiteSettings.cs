using MediAI.SiteAgents.Gateway;

namespace MediAI.SiteAgents;

/// <summary>Reads which site this agent serves from configuration ("Site" and "Lab:Nodes", set by the AppHost).</summary>
public static class SiteSettings
{
    public static SiteContext From(IConfiguration configuration)
    {
        var name = LabSettingException.Required(configuration, "Site:Name");
        var node = configuration.GetSection("Lab:Nodes").GetChildren().FirstOrDefault(n => n["Site"] == name)
            ?? throw new LabSettingException($"Setting Lab:Nodes has no node for site '{name}' (Site:Name). {LabSettingException.StartThroughAppHost}");
        return new SiteContext(
            Site: name,
            City: node["City"] ?? name,
            NodeHost: node["Host"] ?? "127.0.0.1",
            NodePort: LabSettingException.Number(node, "Port"),
            BindAddresses: (configuration["Site:GatewayBind"] ?? "127.0.0.1").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            GatewayPort: LabSettingException.Number(configuration, "Site:GatewayPort", fallback: 0),
            TraceStatements: configuration.GetValue("Site:TraceStatements", true),
            ClientPort: configuration["Site:ClientPort"] is { Length: > 0 } ? LabSettingException.Number(configuration, "Site:ClientPort") : null,
            NodeName: configuration["Site:NodeName"] ?? "node");
    }
}
