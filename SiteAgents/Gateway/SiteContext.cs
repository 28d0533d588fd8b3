namespace MediAI.SiteAgents.Gateway;

/// <summary>Where this agent's gateway listens and which node it fronts.</summary>
/// <param name="BindAddresses">Where the gateway listens: loopback, plus the container bridge's address when nodes run in containers on Linux.</param>
/// <param name="ClientPort">Paris only: the students' door (psql/DBeaver), on loopback, in front of the same node.</param>
/// <param name="NodeName">How a student finds the node (the container's name, or a local process), for error messages.</param>
public sealed record SiteContext(
    string Site,
    string City,
    string NodeHost,
    int NodePort,
    IReadOnlyList<string> BindAddresses,
    int GatewayPort,
    bool TraceStatements,
    int? ClientPort = null,
    string NodeName = "node");
