using Microsoft.Extensions.Configuration;

namespace MediAI.Lab;

/// <summary>
/// What one site agent is told (configuration section "Site", written by AppHost/LabSettings.cs):
/// its own site only, where its gateway listens, and, as the connection string named after the
/// site (WithReference to its node), where that node is.
/// </summary>
public sealed class SiteAgentOptions
{
    public const string Section = "Site";

    /// <summary>The site's resource name (paris, tokyo…): spans and messages are tagged with it.</summary>
    public string Name { get; set; } = "";

    /// <summary>What students read in logs and spans.</summary>
    public string City { get; set; } = "";

    /// <summary>For the WAN latency profile.</summary>
    public int DistanceToParisKm { get; set; }

    /// <summary>Start with the WAN latency profile on.</summary>
    public bool Wan { get; set; }

    /// <summary>Where the nodes reach this site (0: any free port, for tests).</summary>
    public int GatewayPort { get; set; }

    /// <summary>Addresses the gateway listens on: loopback, plus the container bridge's on Linux engines.</summary>
    public List<string> GatewayBind { get; set; } = [];

    /// <summary>A span per statement (off: only what 2PC needs, for measuring the relay alone).</summary>
    public bool TraceStatements { get; set; } = true;

    /// <summary>
    /// Paris only: the students' door (psql/DBeaver), in front of the same node, on the gateway's
    /// addresses (the bridge's too, for psql inside the coordinator's container).
    /// </summary>
    public int? ClientPort { get; set; }

    /// <summary>
    /// Paris only: the dashboard's address (http://localhost:18888). After each statement a client
    /// types at the door, a NOTICE gives the address of its trace there; empty: no such notices.
    /// </summary>
    public string DashboardUrl { get; set; } = "";

    /// <summary>
    /// The service name of the agent that keeps the students' door (agent-paris), for the other
    /// agents: they ask it which client statement their node's work belongs to. Empty at Paris.
    /// </summary>
    public string CoordinatorAgent { get; set; } = "";

    /// <summary>How a student finds the node (the container's name, or a local process), for error messages.</summary>
    public string NodeName { get; set; } = "node";

    /// <summary>Container mode: the node's container (citus_worker3), which the agent kills, stops and starts; empty in local mode.</summary>
    public string NodeContainer { get; set; } = "";

    /// <summary>The node, from the connection string named after the site (not bound: read by <see cref="From"/>).</summary>
    public NodeAddress Node { get; private set; } = new("", 0, "", "");

    public IReadOnlyList<string> BindAddresses => GatewayBind.Count > 0 ? GatewayBind : ["127.0.0.1"];

    /// <summary>Binds the section and the node's connection string, or stops the program naming what is missing.</summary>
    public static SiteAgentOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var name = LabSettingException.Required(section, nameof(Name));
        var options = section.Get<SiteAgentOptions>()!;
        options.City = options.City is { Length: > 0 } city ? city : name;
        options.Node = NodeAddress.From(configuration, name);
        return options;
    }
}
