using MediAI.AppHost;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.External;

/// <summary>
/// External mode given the wrong cluster, or the right one wrongly: the dry run (the same check
/// every lab program makes at its start) says what to fix, exits 1, and the server is as it was.
/// All but one need only plain PostgreSQL; the one marked [NeedsCitus] needs Citus.
/// </summary>
public sealed class ExternalBadInputTests
{
    [Fact]
    public async Task An_unreachable_coordinator_is_named_with_what_to_check()
    {
        var closed = FreePorts.FirstFree(Random.Shared.Next(41_000, 49_000), new HashSet<int>());
        var plan = await LabCommandLine.RunAsync("plan", "--coordinator", $"Host={DepartmentCluster.LoneHost};Port={closed};Username=postgres;Timeout=5");
        Assert.True(plan.ExitCode == 1, plan.ToString());
        Assert.Contains($"Cannot reach the coordinator at {DepartmentCluster.LoneHost}:{closed}", plan.Error);
        Assert.Contains("Check Host and Port", plan.Error);
        Assert.Contains("Nothing was changed.", plan.Error);
        Assert.DoesNotContain("   at ", plan.Error);
    }

    [Fact]
    public async Task A_server_that_requires_TLS_wrong_credentials_and_no_Citus_each_get_their_message_and_nothing_changes()
    {
        var certificates = Directory.CreateTempSubdirectory("mediai-plain-tls-").FullName;
        DepartmentCluster.MakeCertificate(certificates);
        var other = Directory.CreateTempSubdirectory("mediai-other-ca-").FullName;
        DepartmentCluster.MakeCertificate(other);
        try
        {
            await using var server = await TestPostgres.StartAsync(
                Installations.Plain, "plain-tls", settings: DepartmentCluster.TlsSettings(certificates), host: DepartmentCluster.LoneHost, beforeStart: DepartmentCluster.TlsOnly);
            var at = $"Host={server.Host};Port={server.Port};Username=postgres";
            var before = await StateAsync(server);

            // Without TLS: refused by the server; the message says what to add.
            var clear = await LabCommandLine.RunAsync("plan", "--coordinator", at + ";SSL Mode=Disable");
            Assert.True(clear.ExitCode == 1, clear.ToString());
            Assert.Contains("accepts only TLS connections", clear.Error);
            Assert.Contains("SSL Mode=Require", clear.Error);

            // TLS checked against a CA that did not sign the server's certificate.
            var stranger = await LabCommandLine.RunAsync("plan", "--coordinator", $"{at};SSL Mode=VerifyFull;Root Certificate={Path.Combine(other, "server.crt")}");
            Assert.True(stranger.ExitCode == 1, stranger.ToString());
            Assert.Contains("the TLS connection failed", stranger.Error);

            // The wrong password (from PGPASSWORD, as a professor's shell would give it).
            var wrong = await LabCommandLine.RunAsync(new Dictionary<string, string> { ["PGPASSWORD"] = "not-the-password" },
                "plan", "--coordinator", at + ";SSL Mode=Require");
            Assert.True(wrong.ExitCode == 1, wrong.ToString());
            Assert.Contains("refused the password of user 'postgres'", wrong.Error);
            Assert.Contains("Parameters:coordinator-password", wrong.Error);

            // A user that may log in but is no superuser: the lab could not create its extension.
            Assert.Equal(before, await StateAsync(server));
            await using (var admin = await server.OpenAsync())
            {
                await using var teacher = new Npgsql.NpgsqlCommand($"CREATE ROLE teacher LOGIN PASSWORD '{TestPostgres.Password}'", admin);
                await teacher.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var notSuper = await LabCommandLine.RunAsync("plan", "--coordinator", $"Host={server.Host};Port={server.Port};Username=teacher;SSL Mode=Require");
            Assert.True(notSuper.ExitCode == 1, notSuper.ToString());
            Assert.Contains("User 'teacher' is not a superuser", notSuper.Error);
            before = await StateAsync(server);

            // TLS verified, credentials right: a PostgreSQL without Citus is no cluster.
            var plain = await LabCommandLine.RunAsync("plan", "--coordinator", $"{at};SSL Mode=VerifyFull;Root Certificate={Path.Combine(certificates, "server.crt")}");
            Assert.True(plain.ExitCode == 1, plain.ToString());
            Assert.Contains($"the coordinator at {server.Host}:{server.Port} has no Citus in database postgres", plain.Error);
            Assert.Contains("existing Citus 12.1 cluster", plain.Error);

            // The bootstrap and the API make the same check at their start, before anything else.
            var bootstrap = await LabCommandLine.RunAsync(ExternalModeTests.BootstrapEnvironment(at + ";SSL Mode=Require"), "bootstrap");
            Assert.True(bootstrap.ExitCode == 1, bootstrap.ToString());
            Assert.Contains("has no Citus in database postgres", bootstrap.Error);
            Assert.Equal(before, await StateAsync(server));
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task The_AppHost_names_a_missing_or_password_holding_coordinator_setting_before_starting_anything()
    {
        var (missing, said) = await AppHostProcess.RunToExitAsync(["--Lab:Mode=external"], TimeSpan.FromSeconds(60));
        Assert.True(missing == 1, said);
        Assert.Contains("--Lab:Mode=external needs the existing cluster's coordinator", said);
        Assert.Contains($"Parameters:{ExternalLab.PasswordParameter}", said);

        // Under any of Npgsql's names for it.
        foreach (var secret in new[] { "Password=hunter2", "Pwd=hunter2", "PSW=hunter2" })
        {
            var (holding, told) = await AppHostProcess.RunToExitAsync(["--Lab:Mode=external", $"--Lab:Coordinator=Server=db1;User ID=citus;{secret}"], TimeSpan.FromSeconds(60));
            Assert.True(holding == 1, told);
            Assert.Contains("--Lab:Coordinator holds a password", told);
            Assert.DoesNotContain("hunter2", told);
        }
    }

    [Fact]
    [NeedsCitus]
    public async Task Another_Citus_version_a_worker_given_as_coordinator_and_an_unreachable_worker_are_refused_with_the_fix()
    {
        Installations.RequireCitus();

        // Citus 12.1's programs with an older extension (an upgrade not finished): the extension's version speaks.
        await using (var older = await TestPostgres.StartAsync(Installations.Citus!, "older-citus",
            settings: new Dictionary<string, string> { ["citus.enable_version_checks"] = "off" }, host: DepartmentCluster.LoneHost))
        {
            await using (var connection = await older.OpenAsync())
            {
                await using var create = new Npgsql.NpgsqlCommand("CREATE EXTENSION citus VERSION '11.3-1'", connection);
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var version = await LabCommandLine.RunAsync("plan", "--coordinator", $"Host={older.Host};Port={older.Port};Username=postgres");
            Assert.True(version.ExitCode == 1, version.ToString());
            Assert.Contains("(extension version 11.3-1); the lab needs Citus 12.1", version.Error);
            Assert.Contains("Nothing was changed.", version.Error);
        }

        await using var cluster = await DepartmentCluster.StartAsync();
        var before = await Task.WhenAll(cluster.Nodes.Take(3).Select(n => DepartmentCluster.NodeSnapshotAsync(n, rows: false)));

        // A worker's address instead of the coordinator's.
        var worker = cluster.Nodes[1];
        var notCoordinator = await LabCommandLine.RunAsync("plan", "--coordinator", $"Host={worker.Host};Port={worker.Port};Username=postgres;SSL Mode=Require");
        Assert.True(notCoordinator.ExitCode == 1, notCoordinator.ToString());
        Assert.Contains($"{worker.Host}:{worker.Port} is one of the cluster's workers", notCoordinator.Error);

        // An agent's gateway given for a cluster whose nodes require TLS between them: the agent could not read their links.
        var behindAgent = await LabCommandLine.RunAsync(new Dictionary<string, string> { ["Lab__ClusterAddresses__tokyo"] = "127.0.0.1:6432" },
            "plan", "--coordinator", cluster.LabConnectionString());
        Assert.True(behindAgent.ExitCode == 2, behindAgent.ToString());
        Assert.Contains("the nodes require TLS between them (citus.node_conninfo = 'sslmode=verify-full", behindAgent.Output);

        // Tokyo's host down: named, as the cluster registered it.
        await cluster.Nodes[3].StopAsync();
        var down = await LabCommandLine.RunAsync("plan", "--coordinator", cluster.LabConnectionString(";Timeout=5"));
        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.Contains($"Cannot reach Tokyo's node (worker 127.0.0.5:{cluster.Coordinator.Port}, as the coordinator's pg_dist_node names it)", down.Error);
        var bootstrap = await LabCommandLine.RunAsync(ExternalModeTests.BootstrapEnvironment(cluster.LabConnectionString(";Timeout=5")), "bootstrap");
        Assert.True(bootstrap.ExitCode == 1, bootstrap.ToString());
        Assert.Contains("Cannot reach Tokyo's node", bootstrap.Error);

        // The three that answered are as they were (Tokyo's host is down: its part cannot be read, nor the department's rows).
        Assert.Equal(before, await Task.WhenAll(cluster.Nodes.Take(3).Select(n => DepartmentCluster.NodeSnapshotAsync(n, rows: false))));
    }

    /// <summary>Databases and roles of a lone server: what a lab that changed something would have left.</summary>
    private static async Task<string> StateAsync(TestPostgres server)
    {
        var rows = await TestPostgres.QueryOnAsync(DepartmentCluster.AdminConnectionString(server),
            "SELECT 'db ' || datname FROM pg_database UNION ALL SELECT 'role ' || rolname FROM pg_roles ORDER BY 1");
        return string.Join("\n", rows.Select(r => (string)r[0]));
    }
}
