namespace MediAI.SiteAgents.Gateway;

/// <summary>Where this agent's gateway listens and which node it fronts.</summary>
public sealed record SiteContext(string Site, string City, string NodeHost, int NodePort, string BindAddress, int GatewayPort, bool TraceStatements);
