using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MediAI.AppHost;

/// <summary>
/// The lab on an existing Citus cluster (--Lab:Mode=external): no node, no agent started here —
/// the bootstrap forms the lab's own database on the cluster's nodes, and the API serves it.
/// The coordinator is a connection string resource; its password a secret parameter.
/// </summary>
public static class ExternalLab
{
    public const string PasswordParameter = "coordinator-password";

    public static int RunExternalLab(this IDistributedApplicationBuilder builder, LabOptions options, string dataDir, ILogger logger)
    {
        if ((Problem(options.Coordinator) ?? AgentProblem(options)) is { } problem)
        {
            logger.LogCritical("{Problem}", problem);
            return 1;
        }

        var password = builder.AddParameter(PasswordParameter, secret: true);
        var coordinator = builder.AddConnectionString(CoordinatorOptions.ExternalCoordinator, ReferenceExpression.Create($"{options.Coordinator}"));

        var bootstrap = builder.AddLabWorker<Projects.Coordinator_Api>("cluster-bootstrap")
            .WithArgs("bootstrap")
            .WithIconName("Wrench")
            .WithProgressRow()
            .WithExternalClusterOptions(coordinator, password, options, dataDir);

        var api = builder.AddLabService<Projects.Coordinator_Api>("coordinator-api", port: 5180)
            .WithExternalClusterOptions(coordinator, password, options, dataDir)
            .WithRemoteAgents(options)
            .WithIconName("Globe")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Coordinator API")
            .WithHttpHealthCheck("/health")
            .WithLabCommands();

        var at = new NpgsqlConnectionStringBuilder(options.Coordinator);
        builder.AnnounceReadiness(api, bootstrap, partEnded: null,
            $"On the Citus cluster at {at.Host}: psql \"host={at.Host} port={at.Port} dbname={LabSites.Database} user={at.Username ?? "postgres"}{(at.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull ? " sslmode=require" : "")}\" (the lab's own database there)",
            TimeSpan.FromSeconds(options.StartProgressSeconds),
            logger);
        builder.Build().Run();
        return 0;
    }

    /// <summary>What is wrong with --Lab:Agents and --Lab:Gateways: a site the lab does not have, an address that is not one, a gateway without its agent.</summary>
    public static string? AgentProblem(LabOptions options)
    {
        foreach (var (site, url) in options.Agents)
        {
            if (LabSites.Find(site) is null)
            {
                return $"--Lab:Agents:{site}: the lab has no site '{site}' (it has {string.Join(", ", LabSites.All.Select(s => s.Name))}).";
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return $"--Lab:Agents:{site}={url} is not the agent's HTTP address (http://host:port).";
            }
        }

        foreach (var (site, address) in options.Gateways)
        {
            if (!options.Agents.ContainsKey(site))
            {
                return $"--Lab:Gateways:{site} is given without --Lab:Agents:{site}: give both for each site that has an agent beside its node.";
            }

            var colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65_535)
            {
                return $"--Lab:Gateways:{site}={address} is not host:port (where the cluster's nodes reach that agent's gateway).";
            }
        }

        return null;
    }

    /// <summary>What is wrong with --Lab:Coordinator, before anything starts.</summary>
    public static string? Problem(string? coordinator)
    {
        const string Example = "--Lab:Coordinator=\"Host=db1.example.edu;Port=5432;Username=citus;SSL Mode=Require\"";
        if (string.IsNullOrWhiteSpace(coordinator))
        {
            return $"--Lab:Mode=external needs the existing cluster's coordinator: {Example}, and its password as the secret parameter: dotnet user-secrets set Parameters:{PasswordParameter} <password> --project AppHost.";
        }

        // Npgsql's own reading: its synonyms (Server, Pwd, User ID…) count as what they are.
        NpgsqlConnectionStringBuilder parts;
        try
        {
            parts = new NpgsqlConnectionStringBuilder(coordinator);
        }
        catch (ArgumentException e)
        {
            return $"--Lab:Coordinator is not a connection string ({e.Message}): {Example}.";
        }

        if (string.IsNullOrEmpty(parts.Host))
        {
            return $"--Lab:Coordinator has no Host: {Example}.";
        }

        return parts.Password is { Length: > 0 }
            ? $"--Lab:Coordinator holds a password: take it out and keep it as a secret parameter instead (dotnet user-secrets set Parameters:{PasswordParameter} <password> --project AppHost), so it never shows in the dashboard or your shell history."
            : null;
    }
}
