using System.Text;
using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.External;

/// <summary>One line of a plan: a change, something kept, a refusal, or a note about the cluster.</summary>
public enum PlanKind { Create, Keep, Refuse, Note }

public sealed record PlanStep(PlanKind Kind, string Text);

/// <summary>
/// What the bootstrap would do on an existing cluster, read without changing anything: the dry
/// run (<c>Coordinator.Api plan</c>), and the check the bootstrap itself makes first. Refusals are
/// what it will not do without --Lab:Overwrite=true: drop a mediAI database, or take over a
/// lab_reader role, that it did not make.
/// </summary>
/// <param name="Holdings">What each node held of the lab when the plan was read.</param>
public sealed record BootstrapPlan(IReadOnlyList<PlanStep> Steps, IReadOnlyList<NodeHoldings> Holdings)
{
    public IEnumerable<PlanStep> Refusals => Steps.Where(s => s.Kind == PlanKind.Refuse);

    public static async Task<BootstrapPlan> ReadAsync(LabClusterOptions lab, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        var holdings = await LabObjects.ReadAllAsync(lab, cancellationToken);
        var steps = new List<PlanStep>();
        var database = LabSites.Database;
        foreach (var held in holdings)
        {
            var node = held.Node;
            steps.Add(held switch
            {
                { OursDatabase: true } => new(PlanKind.Keep, $"{node}: database {database} exists, made by the lab: kept (the bootstrap only adds what is missing)"),
                { Database: true } when lab.Overwrite => new(PlanKind.Create, $"{node}: database {database} exists and was not made by the lab: DROPPED with everything in it (--Lab:Overwrite=true), then made again"),
                { Database: true } => new(PlanKind.Refuse, $"{node}: database {database} exists and was not made by the lab: left alone. Rename or drop it, or run with --Lab:Overwrite=true to drop it (its data is lost)"),
                _ => new(PlanKind.Create, $"{node}: create database {database} (the lab's own) and the citus extension in it"),
            });
        }

        var foreign = LabObjects.ForeignRoles(holdings).Select(h => h.Node.City).ToList();
        var reader = LabClusterOptions.ReaderRole;
        steps.Add((LabObjects.RoleIsOurs(holdings), foreign.Count) switch
        {
            (true, _) => new(PlanKind.Keep, $"role {reader}: exists, made by the lab: kept, its password set to the lab's"),
            (false, 0) => new(PlanKind.Create, $"role {reader}: create it (LOGIN, reads the lab's tables only; Citus creates it on every node)"),
            _ when lab.Overwrite => new(PlanKind.Create, $"role {reader} exists at {string.Join(", ", foreign)} and was not made by the lab: TAKEN OVER (--Lab:Overwrite=true): its password set to the lab's, and dropped by the cleanup"),
            _ => new(PlanKind.Refuse, $"role {reader} exists at {string.Join(", ", foreign)} and was not made by the lab: left alone. Drop or rename it, or run with --Lab:Overwrite=true to take it over"),
        });

        if (lab.ThroughAgents && await NodeLinksRequireTlsAsync(lab, cancellationToken) is { } conninfo)
        {
            steps.Add(new(PlanKind.Refuse,
                $"agents' gateways are given, but the nodes require TLS between them (citus.node_conninfo = '{conninfo}'): an agent reads the protocol and declines TLS, so Citus's links through it would fail. " +
                "Set citus.node_conninfo to 'sslmode=prefer' on every node (ALTER SYSTEM SET citus.node_conninfo = 'sslmode=prefer'; SELECT pg_reload_conf();), or run the lab without agents"));
        }

        steps.Add(await CitusLinksAsync(lab, cancellationToken));

        var workers = string.Join(", ", lab.Workers.Select(w => $"{w.City} = {w.ClusterHost}:{w.ClusterPort}"));
        steps.Add(await LabDatabaseFormedAsync(lab, cancellationToken)
            ? new(PlanKind.Keep, $"in {database}: the cluster is formed ({workers}); tables and data left as they are")
            : new(PlanKind.Create, $"in {database}: register the coordinator and the workers in {database}'s own Citus metadata ({workers}), " +
                "create the lab's tables, distribute them, place each country at its site, load the seed (20 patients)"));
        steps.Add(new(PlanKind.Keep, $"not touched: the cluster's other databases (its own metadata in {lab.MaintenanceDatabase} included), its server settings, pg_hba.conf"));
        steps.AddRange(notes.Select(n => new PlanStep(PlanKind.Note, n)));
        return new BootstrapPlan(steps, holdings);
    }

    /// <summary>
    /// The connections Citus itself will open while the bootstrap forms the lab's cluster, opened now
    /// from the coordinator by Citus (citus_check_connection_to_node: its own TLS, authentication and
    /// addresses): to itself at the address it accepted the lab on (shard splits, with
    /// citus.local_hostname set to it for mediAI, <see cref="LocalHostname"/>), and to each site at
    /// the address the lab registers. One that fails would fail the bootstrap half-way: refused now.
    /// </summary>
    private static async Task<PlanStep> CitusLinksAsync(LabClusterOptions lab, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(lab.ConnectionString(lab.Coordinator, lab.MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);
        var self = await LocalHostname.OfSessionAsync(connection, cancellationToken);
        var links = new List<(string What, string Host, int Port)>();
        if (self is { } at)
        {
            links.Add(($"itself at {at.Host}:{at.Port} (shard splits; the lab sets citus.local_hostname = '{at.Host}' for {LabSites.Database})", at.Host, at.Port));
        }

        links.AddRange(lab.Nodes.Where(n => self is null || (n.ClusterHost, n.ClusterPort) != self.Value)
            .Select(n => ($"{n.City} at {n.ClusterHost}:{n.ClusterPort}", n.ClusterHost, n.ClusterPort)));
        var failed = new List<string>();
        foreach (var (what, host, port) in links)
        {
            await using var check = new NpgsqlCommand("SELECT citus_check_connection_to_node($1, $2)", connection)
            {
                Parameters = { new() { Value = host }, new() { Value = port } },
            };
            if (await check.ExecuteScalarAsync(cancellationToken) is not true)
            {
                failed.Add(what);
            }
        }

        return failed.Count == 0
            ? new(PlanKind.Keep, $"Citus's own connections from the coordinator open: to {string.Join(", to ", links.Select(l => l.What))}")
            : new(PlanKind.Refuse, $"Citus on the coordinator cannot open a connection to {string.Join(", to ", failed)}, which the bootstrap needs. " +
                "Check that each address listens (listen_addresses), that pg_hba.conf lets the coordinator in, and that an agent's gateway given with --Lab:Gateways is running");
    }

    /// <summary>The coordinator's citus.node_conninfo when it makes Citus's links between nodes require TLS, else null.</summary>
    private static async Task<string?> NodeLinksRequireTlsAsync(LabClusterOptions lab, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(lab.ConnectionString(lab.Coordinator, lab.MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('citus.node_conninfo', true)", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is string conninfo
            && System.Text.RegularExpressions.Regex.IsMatch(conninfo, @"sslmode\s*=\s*(require|verify-ca|verify-full)")
            ? conninfo
            : null;
    }

    /// <summary>Whether mediAI on the coordinator already holds the formed cluster (lab_sites).</summary>
    private static async Task<bool> LabDatabaseFormedAsync(LabClusterOptions lab, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(lab.ConnectionString(lab.Coordinator, LabSites.Database));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT to_regclass('lab_sites') IS NOT NULL", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }

    /// <summary>What a refused bootstrap says: every refusal, and the flag.</summary>
    public string RefusalMessage() =>
        "The bootstrap changed nothing, for these reasons:" + Environment.NewLine +
        string.Join(Environment.NewLine, Refusals.Select(r => "  - " + r.Text));

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var step in Steps)
        {
            text.Append(step.Kind switch
            {
                PlanKind.Create => "  + ",
                PlanKind.Keep => "  = ",
                PlanKind.Refuse => "  ! ",
                _ => "  note: ",
            }).AppendLine(step.Text);
        }

        return text.ToString();
    }
}
