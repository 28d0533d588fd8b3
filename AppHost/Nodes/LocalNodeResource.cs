namespace MediAI.AppHost.Nodes;

/// <summary>
/// A local PostgreSQL server process with a connection string, as Aspire's own PostgreSQL
/// container resource has: services get it by WithReference, whichever way the node runs.
/// </summary>
public sealed class LocalNodeResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The same form as Aspire's PostgreSQL server resource (no database: each service names its own).</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var endpoint = new EndpointReference(this, NodeSettings.EndpointName);
            return ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={NodeSettings.UserName};Password={password}");
        }
    }
}
