using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;
using MediAI.AppHost.Containers;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// Container mode, the students' default, on a real engine: the AppHost starts the four node
/// containers from a locally built image, the agents and the API, as `dotnet run --project
/// AppHost` does. Each test uses volumes of its own (a test prefix) and removes them.
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class ContainerLabTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(4);

    internal static string[] LabArgs(string image, string prefix, int port) =>
        ["--Lab:Mode=containers", $"--Lab:Image={image}", $"--Lab:VolumePrefix={prefix}", $"--Lab:CoordinatorPort={port}"];

    /// <summary>Tokyo's kept volume as PostgreSQL 14 left it (the plain image's is 15): its node refuses to start.</summary>
    internal static void KeepTokyoDataOfPostgres14(string prefix)
    {
        var volume = $"{prefix}-tokyo-pg15";
        Assert.True(ContainerEngine.Docker("volume", "create", volume).Ok);
        var seed = ContainerEngine.Docker("run", "--rm", "-v", $"{volume}:/var/lib/postgresql/data", "--entrypoint", "sh", ContainerEngine.PlainImage,
            "-c", "echo 14 > /var/lib/postgresql/data/PG_VERSION");
        Assert.True(seed.Ok, seed.Error);
    }

    internal static (string Prefix, int Port) Fresh() =>
        ($"mediai-test-{Guid.NewGuid():N}"[..20], FreePorts.FirstFree(28_000 + Random.Shared.Next(0, 2_000), new HashSet<int>()));

    [Fact]
    public async Task Container_mode_comes_up_fails_clearly_when_a_node_stops_and_keeps_a_students_work_across_a_restart()
    {
        ContainerEngine.Require();
        var (prefix, port) = Fresh();
        // The student's exercises, answered (a copy of solutions/): the nodes show them as /exercises.
        var answers = Checker.PlainCheckerTests.CopyOfSolutions();
        if (!OperatingSystem.IsWindows())
        {
            // A temporary folder is the runner's alone (0700): the container's psql must read it, as it reads a clone.
            File.SetUnixFileMode(answers, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var args = (string[])[.. LabArgs(ContainerEngine.PlainImage, prefix, port), $"--Lab:Exercises={answers}"];
        try
        {
            using (var timeout = new CancellationTokenSource(StartLimit))
            {
                await using var app = await LabApp.StartAsync(args, timeout.Token);
                await LabApp.WaitUntilReadyAsync(app, timeout.Token);

                // A student without psql: their Part 1 file, run inside the coordinator's container from
                // the mounted folder, then graded by the checker.
                var part1 = ContainerEngine.Docker("exec", "citus_master", "psql", "-U", "postgres", "-d", "mediAI", "-v", "ON_ERROR_STOP=1",
                    "-f", "/exercises/part1/1.1-horizontal.sql");
                Assert.True(part1.Ok, part1.Error);
                Assert.Contains("CREATE VIEW", part1.Output);
                var check = await LabCheck.RunAsync(answers, port, "--json");
                Assert.True(check.Outcome("1.1") == "pass", check.Reasons("1.1"));
                var mounted = ContainerEngine.Docker("exec", "citus_master", "touch", "/exercises/written-from-the-container");
                Assert.False(mounted.Ok, "the exercises are mounted read-only");

                // The handout's container names, all running.
                Assert.Equal(["citus_master", "citus_worker1", "citus_worker2", "citus_worker3"], ContainerEngine.NodeContainers().Order());
                foreach (var site in LabSites.All)
                {
                    Assert.Equal("true", ContainerEngine.Docker("container", "inspect", "--format", "{{.State.Running}}", site.ContainerName).Output);
                }

                // The coordinator at localhost:<port> (the students' door), with the seeded data.
                Assert.Equal(new long[] { 20, 14, 13, 18 }, await CountsAsync(port));

                // The handout's setup command, typed as it is written.
                var schema = ContainerEngine.Docker("exec", "citus_master", "psql", "-U", "postgres", "-d", "mediAI", "-f", "/data/schema-mediAI.sql");
                Assert.True(schema.Ok, schema.Error);

                // Nodes and agents reach each other: every agent reaches its node, and a node
                // (Tunis's container) reaches Paris's node through Paris's gateway on the host.
                // (Asked again for a while: the agent's probe allows 3 s, and a 2-core machine running the
                // other tiers beside this one has been seen to answer a fresh container's first probe later.)
                foreach (var site in LabSites.All)
                {
                    using var agent = app.CreateHttpClient($"agent-{site.Name}", "http");
                    var status = await agent.GetStringAsync("/status", timeout.Token);
                    for (var i = 0; i < 10 && !status.Contains("\"reachable\":true", StringComparison.Ordinal); i++)
                    {
                        await Task.Delay(2_000, timeout.Token);
                        status = await agent.GetStringAsync("/status", timeout.Token);
                    }

                    Assert.Contains("\"reachable\":true", status);
                }

                var parisGateway = app.GetEndpoint("agent-paris", "gateway").Port;
                var hop = ContainerEngine.Docker("exec", "citus_worker1", "psql", "-h", HostAccess.ContainerHostName, "-p", $"{parisGateway}",
                    "-U", "postgres", "-d", "mediAI", "-Atc", "SELECT count(*) FROM Patients");
                Assert.True(hop.Ok, hop.Error);
                Assert.Equal("20", hop.Output);

                AssertNoLabPortAnswersFromAnotherMachine(app);

                // A student's work, written before the restart.
                await ExecuteAsync(port, "CREATE TABLE student_notes (note text); INSERT INTO student_notes VALUES ('written before the restart')");

                // The coordinator's container stops: psql fails at once, naming the site and what to do.
                Assert.True(ContainerEngine.Docker("stop", "citus_master").Ok);
                var clock = Stopwatch.StartNew();
                var psql = await Psql.CommandAsync(port, "SELECT 1", "mediAI", host: "localhost");
                clock.Stop();
                Assert.NotEqual(0, psql.ExitCode);
                Assert.Contains("FATAL:  the Paris node (container citus_master) is not running", psql.Error);
                Assert.Contains("HINT:  Start it again", psql.Error);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"psql took {clock.Elapsed.TotalSeconds:0.0} s to fail");

                // The lab's services say it too, instead of waiting: the API answers 503 naming Paris.
                using var api = app.CreateHttpClient("coordinator-api", "http");
                using var query = await api.PostAsJsonAsync("/query", new { sql = "SELECT 1" }, timeout.Token);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, query.StatusCode);
                var problem = await query.Content.ReadAsStringAsync(timeout.Token);
                Assert.Contains("Paris", problem);

                await app.StopAsync(timeout.Token);
            }

            await AssertNothingLeftAsync();

            // A stale container from a killed lab, and data kept by another PostgreSQL major version.
            Assert.True(ContainerEngine.Docker("create", "--name", "citus_worker2", "--label", $"{StaleContainers.OwnerLabel}=2147483000", ContainerEngine.PlainImage).Ok);
            Assert.True(ContainerEngine.Docker("volume", "create", $"{prefix}-paris-pg14").Ok);

            // The restart, as a student does it: the AppHost's own process, stopped with SIGTERM (Ctrl+C).
            // The dashboard at an address known before the start, as launchSettings.json gives it: the door's trace links point there.
            var dashboard = $"http://127.0.0.1:{FreePorts.FirstFree(30_000 + Random.Shared.Next(0, 2_000), new HashSet<int>())}";
            await using (var lab = AppHostProcess.Start(args, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = dashboard }))
            {
                await lab.WaitForLineAsync("MediAI lab ready", StartLimit);
                Assert.Contains("Replaced citus_worker2, left behind by a lab that did not stop cleanly", lab.Output);
                Assert.Contains($"Kept lab data from another PostgreSQL version is left untouched: {prefix}-paris-pg14", lab.Output);
                Assert.Equal(new[] { "written before the restart" }, await NotesAsync(port));

                // psql inside the coordinator's container comes in through the students' door, so it gets
                // the trace link psql at localhost:<port> gets; psql -X reaches the node directly, without one.
                // (Asked again for a while: the door gives links once its probe has seen the dashboard answer.)
                static DockerCli.Result Inside() => ContainerEngine.Docker("exec", "citus_master", "psql", "-U", "postgres", "-d", "mediAI", "-c", "SELECT note FROM student_notes");
                var inside = Inside();
                for (var i = 0; i < 15 && !inside.Error.Contains("NOTICE:  trace: ", StringComparison.Ordinal); i++)
                {
                    await Task.Delay(1_000);
                    inside = Inside();
                }

                Assert.True(inside.Ok, inside.Error);
                Assert.Contains("written before the restart", inside.Output);
                Assert.Matches($@"NOTICE:  trace: {dashboard}/traces/detail/[0-9a-f]{{32}}", inside.Error);
                var direct = ContainerEngine.Docker("exec", "citus_master", "psql", "-X", "-U", "postgres", "-d", "mediAI", "-c", "SELECT note FROM student_notes");
                Assert.True(direct.Ok, direct.Error);
                Assert.Contains("written before the restart", direct.Output);
                Assert.DoesNotContain("trace:", direct.Error);
                Assert.Equal(new long[] { 20, 14, 13, 18 }, await CountsAsync(port));
                await lab.StopAsync();
                Assert.True(lab.HasExited);
            }

            await AssertNothingLeftAsync();
            Assert.Contains($"{prefix}-paris-pg14", LabVolumes.Existing(prefix)); // kept data is never deleted unasked
            Assert.Contains($"{prefix}-paris-pg15", LabVolumes.Existing(prefix));

            // The one way to start fresh: the seeded data, nothing of the student's; other versions' data stays.
            await using (var lab = AppHostProcess.Start([.. args, "--Lab:Fresh=true"]))
            {
                await lab.WaitForLineAsync("MediAI lab ready", StartLimit);
                Assert.Contains("Fresh start: removed the kept data", lab.Output);
                Assert.Empty(await QueryAsync(port, "SELECT 1 FROM pg_tables WHERE tablename = 'student_notes'"));
                Assert.Equal(new long[] { 20, 14, 13, 18 }, await CountsAsync(port));
                await lab.StopAsync();
            }

            await AssertNothingLeftAsync();
            Assert.Contains($"{prefix}-paris-pg14", LabVolumes.Existing(prefix));
        }
        finally
        {
            foreach (var name in ContainerEngine.NodeContainers())
            {
                ContainerEngine.Docker("rm", "--force", name);
            }

            ContainerEngine.RemoveVolumes(prefix);
            Directory.Delete(answers, recursive: true);
        }
    }

    [Fact]
    [NeedsCitus]
    public async Task With_a_Citus_image_each_country_lives_at_its_site_and_a_distributed_commit_shows_its_two_phases()
    {
        ContainerEngine.RequireCitus();
        var (prefix, port) = Fresh();
        try
        {
            using var timeout = new CancellationTokenSource(StartLimit);
            await using var app = await LabApp.StartAsync(LabArgs(ContainerEngine.CitusImage!, prefix, port), timeout.Token);
            await LabApp.WaitUntilReadyAsync(app, timeout.Token);

            // Geography: every placement of Patients holds only its site's country.
            var placements = await QueryAsync(port,
                "SELECT s.site, r.result FROM run_command_on_placements('patients', $$SELECT coalesce(string_agg(DISTINCT country, ','), '') FROM %s$$) r " +
                "JOIN lab_sites s ON (s.nodename, s.nodeport) = (r.nodename, r.nodeport) WHERE r.result <> ''");
            Assert.Equal(
                ["Montreal:Canada", "Paris:France", "Tokyo:Japan", "Tunis:Tunisia"],
                placements.Select(p => $"{p[0]}:{p[1]}").Order());

            // A distributed commit through the API: its trace has each site's PREPARE and COMMIT PREPARED.
            using var api = app.CreateHttpClient("coordinator-api", "http");
            using var commit = await api.PostAsync("/transactions/emergency-consultation", null, timeout.Token);
            Assert.True(commit.IsSuccessStatusCode, await commit.Content.ReadAsStringAsync(timeout.Token));
            var traceId = (await commit.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("traceId").GetString()!;
            using var telemetry = new HttpClient { BaseAddress = await app.GetDashboardUrlAsync(timeout.Token) };
            await LabApp.AssertTraceAsync(telemetry, traceId, ["coordinator-api", "agent-paris", "agent-tokyo"], ["Npgsql"], timeout.Token,
                spanNames: new[] { "paris", "tokyo" }.ToDictionary(site => $"agent-{site}", site => new[] { $"{site}: PREPARE TRANSACTION" }));

            // A SELECT typed in psql at the door, in psql inside the coordinator's container (which comes in
            // through the door too), and in psql -X there (past the door): each is one new trace in the
            // dashboard, a root with every site's part under it.
            const string count = "SELECT count(*) FROM Patients";
            var atTheDoor = DateTime.UtcNow;
            Assert.Equal(0, (await Psql.CommandAsync(port, count, "mediAI")).ExitCode);
            await AssertOneTraceAsync(telemetry, count, atTheDoor, synthesized: false, timeout.Token);
            const string countInside = "SELECT count(*) AS inside FROM Patients"; // another text: the traces are told apart by it
            var inside = DateTime.UtcNow;
            var exec = ContainerEngine.Docker("exec", "citus_master", "psql", "-U", "postgres", "-d", "mediAI", "-c", countInside);
            Assert.True(exec.Ok, exec.Error);
            await AssertOneTraceAsync(telemetry, countInside, inside, synthesized: false, timeout.Token);
            var pastTheDoor = DateTime.UtcNow;
            var direct = ContainerEngine.Docker("exec", "citus_master", "psql", "-X", "-U", "postgres", "-d", "mediAI", "-c", count);
            Assert.True(direct.Ok, direct.Error);
            await AssertOneTraceAsync(telemetry, count, pastTheDoor, synthesized: true, timeout.Token); // the root made by Paris's agent

            // Exercise 4d in container mode: the coordinator's container killed before its commit
            // record (armed from the dashboard at Tokyo), started again from the dashboard, and
            // recovery rolls Tokyo's prepared part back: neither row of the consultation exists.
            var commands = app.Services.GetRequiredService<ResourceCommandService>();
            Assert.True((await commands.ExecuteCommandAsync("agent-tokyo", "crash-coordinator-before", timeout.Token)).Success);
            var examType = $"Crash {Guid.NewGuid():N}";
            var crashed = await Psql.RunAsync(port, Citus.ClientTraceTests.Consultation(examType), database: LabSites.Database);
            Assert.NotEqual(0, crashed.ExitCode);
            // psql hears of the crash as its backend dies, a moment before the engine calls the container exited.
            string ParisRunning() => ContainerEngine.Docker("container", "inspect", "--format", "{{.State.Running}}", "citus_master").Output;
            for (var i = 0; i < 50 && ParisRunning() == "true"; i++)
            {
                await Task.Delay(200, timeout.Token);
            }

            Assert.Equal("false", ParisRunning());
            var back = await commands.ExecuteCommandAsync("agent-paris", "node-start", timeout.Token);
            Assert.True(back.Success, back.Message);
            string PreparedAtTokyo() => ContainerEngine.Docker("exec", "citus_worker3", "psql", "-U", "postgres", "-d", "mediAI", "-Atc", "SELECT count(*) FROM pg_prepared_xacts").Output;
            Assert.Equal("1", PreparedAtTokyo());
            Assert.Equal(0, (await Psql.CommandAsync(port, "SELECT recover_prepared_transactions()", "mediAI")).ExitCode);
            Assert.Equal("0", PreparedAtTokyo());
            Assert.Equal([[0L]], await QueryAsync(port, $"SELECT count(*) FROM MedicalRecords WHERE examType = '{examType}'"));

            // The handout's citus_add_node('citus_worker1', 5432): in container mode the name resolves
            // on the containers' network, and Citus answers with a distributed deadlock (solutions/README.md).
            var add = await Psql.CommandAsync(port, "SELECT citus_add_node('citus_worker1', 5432);", "mediAI");
            Assert.NotEqual(0, add.ExitCode);
            Assert.Contains("distributed deadlock", add.Error);

            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await AssertNothingLeftAsync();
            ContainerEngine.RemoveVolumes(prefix);
        }
    }

    /// <summary>
    /// Exactly one trace whose root is <paramref name="sql"/>, begun after <paramref name="since"/>,
    /// with a span from each site's agent under it, and no agent span of its time outside it.
    /// </summary>
    /// <param name="synthesized">Typed past the door: the root is Paris's agent's, made from pg_stat_activity (mediai.root).</param>
    private static async Task AssertOneTraceAsync(HttpClient telemetry, string sql, DateTime since, bool synthesized, CancellationToken cancellationToken)
    {
        string[] agents = ["agent-montreal", "agent-paris", "agent-tokyo", "agent-tunis"];
        IReadOnlyList<LabApp.DashboardSpan> spans = [];
        List<LabApp.DashboardSpan> roots = [];
        for (var attempt = 0; attempt < 60; attempt++)
        {
            spans = await LabApp.SpansAsync(telemetry, cancellationToken);
            roots = [.. spans.Where(s => s.ParentSpanId.Length == 0 && s.Start >= since.AddSeconds(-1) && s.Attribute("db.query.text") == sql
                && (s.Attribute("mediai.root") is not null) == synthesized)];
            if (roots.Count == 1 && agents.All(a => spans.Any(s => s.TraceId == roots[0].TraceId && s != roots[0] && s.Service == a)))
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        var root = Assert.Single(roots);
        var trace = spans.Where(s => s.TraceId == root.TraceId).ToList();
        Assert.Equal(agents, trace.Where(s => s != root).Select(s => s.Service).Distinct().Order());
        // A fragment: an agent's span of the statement's time in another trace.
        var last = trace.Max(s => s.Start);
        Assert.Empty(spans.Where(s => s.TraceId != root.TraceId && s.Attribute("mediai.site") is not null && s.Start >= root.Start && s.Start <= last)
            .Select(s => $"{s.Service}: {s.Name}"));
    }

    [Fact]
    public void A_kept_volume_from_another_postgres_version_is_refused_with_what_to_do_and_left_as_it_was()
    {
        ContainerEngine.Require();
        var volume = $"mediai-test-{Guid.NewGuid():N}"[..20] + "-paris";
        try
        {
            Assert.True(ContainerEngine.Docker("volume", "create", volume).Ok);
            // A data folder as PostgreSQL 14 left it (only its version file matters here).
            var seed = ContainerEngine.Docker("run", "--rm", "-v", $"{volume}:/var/lib/postgresql/data", "--entrypoint", "sh", ContainerEngine.PlainImage,
                "-c", "echo 14 > /var/lib/postgresql/data/PG_VERSION && echo kept > /var/lib/postgresql/data/student-work");
            Assert.True(seed.Ok, seed.Error);

            var node = ContainerEngine.Docker("run", "--rm", "-v", $"{volume}:/var/lib/postgresql/data", "-e", "POSTGRES_PASSWORD=postgres", ContainerEngine.PlainImage);
            Assert.Equal(1, node.ExitCode);
            Assert.Contains("made by PostgreSQL 14; this image runs PostgreSQL 15", node.Error);
            Assert.Contains("--Lab:Fresh=true", node.Error);

            var after = ContainerEngine.Docker("run", "--rm", "-v", $"{volume}:/var/lib/postgresql/data", "--entrypoint", "cat", ContainerEngine.PlainImage,
                "/var/lib/postgresql/data/PG_VERSION", "/var/lib/postgresql/data/student-work");
            Assert.Equal("14\nkept", after.Output);
        }
        finally
        {
            ContainerEngine.Docker("volume", "rm", "--force", volume);
        }
    }

    [Fact]
    public async Task A_node_killed_from_the_dashboard_stays_down_until_started_and_one_that_cannot_start_again_is_named_with_its_last_log_lines()
    {
        ContainerEngine.Require();
        var (prefix, port) = Fresh();
        try
        {
            using var timeout = new CancellationTokenSource(StartLimit);
            await using var app = await LabApp.StartAsync(LabArgs(ContainerEngine.PlainImage, prefix, port), timeout.Token);
            await LabApp.WaitUntilReadyAsync(app, timeout.Token);
            var commands = app.Services.GetRequiredService<ResourceCommandService>();
            using var agent = app.CreateHttpClient("agent-tokyo", "http");
            string Running() => ContainerEngine.Docker("container", "inspect", "--format", "{{.State.Running}}", "citus_worker3").Output;
            async Task<bool> ReachableAsync() => (await agent.GetFromJsonAsync<JsonElement>("/status", timeout.Token)).GetProperty("reachable").GetBoolean();

            // The dashboard's "Kill node (crash)": the container is killed and stays down.
            var killed = await commands.ExecuteCommandAsync("agent-tokyo", "node-kill", timeout.Token);
            Assert.True(killed.Success, killed.Message);
            Assert.Equal("false", Running());
            Assert.False(await ReachableAsync());

            // "Start node" brings it back, answering.
            var started = await commands.ExecuteCommandAsync("agent-tokyo", "node-start", timeout.Token);
            Assert.True(started.Success, started.Message);
            Assert.Equal("true", Running());
            Assert.True(await ReachableAsync());

            // A clean stop, in container mode, and a second kill of a node already down is named.
            (await agent.PostAsync("/node/stop", null, timeout.Token)).EnsureSuccessStatusCode();
            using (var again = await agent.PostAsync("/node/kill", null, timeout.Token))
            {
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
                Assert.Contains("is not running: nothing to kill", await again.Content.ReadAsStringAsync(timeout.Token));
            }

            // Its kept data damaged while it is down (another PostgreSQL version's, as in the next test):
            // the start fails, naming the site, with the node's last log lines saying why.
            var damage = ContainerEngine.Docker("run", "--rm", "-v", $"{prefix}-tokyo-pg15:/var/lib/postgresql/data", "--entrypoint", "sh",
                ContainerEngine.PlainImage, "-c", "echo 14 > /var/lib/postgresql/data/PG_VERSION");
            Assert.True(damage.Ok, damage.Error);
            using var start = await agent.PostAsync("/node/start", null, timeout.Token);
            Assert.Equal(HttpStatusCode.InternalServerError, start.StatusCode);
            Assert.Equal("application/problem+json", start.Content.Headers.ContentType?.MediaType);
            var problem = await start.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            Assert.Contains("The Tokyo node (container citus_worker3) could not start again", problem.GetProperty("detail").GetString());
            Assert.Contains(problem.GetProperty("logTail").EnumerateArray(), l => l.GetString()!.Contains("made by PostgreSQL 14", StringComparison.Ordinal));

            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await AssertNothingLeftAsync();
            ContainerEngine.RemoveVolumes(prefix);
        }
    }

    [Fact]
    public async Task A_node_that_cannot_start_is_named_in_the_terminal_with_its_reason_and_nothing_waits_for_it_forever()
    {
        ContainerEngine.Require();
        var (prefix, port) = Fresh();
        try
        {
            KeepTokyoDataOfPostgres14(prefix);
            await using var lab = AppHostProcess.Start(LabArgs(ContainerEngine.PlainImage, prefix, port));
            await lab.WaitForLineAsync("Tokyo's node (tokyo) stopped (exit code 1)", StartLimit);
            await lab.WaitForLineAsync("The lab is not ready: the cluster bootstrap did not start because a node or site agent it needs failed", TimeSpan.FromSeconds(60));
            Assert.Contains("made by PostgreSQL 14; this image runs PostgreSQL 15", lab.Output);
            Assert.DoesNotContain("MediAI lab ready", lab.Output);
            await lab.StopAsync();
            // The containers go first (a volume in use cannot be removed), then the volumes.
            await AssertNothingLeftAsync();
        }
        finally
        {
            ContainerEngine.RemoveVolumes(prefix);
        }

        Assert.Empty(MediAI.AppHost.Containers.LabVolumes.Existing(prefix));
    }

    /// <summary>
    /// Another machine on the network (a namespace of the test's own) finds no lab port open at
    /// this machine's address: not the door, not a node, not a gateway, not an HTTP service. A
    /// listener on all interfaces is reached from there, so the probe itself works.
    /// </summary>
    private static void AssertNoLabPortAnswersFromAnotherMachine(DistributedApplication app)
    {
        if (Neighbor.WhyNot is { } why)
        {
            TestContext.Current.SendDiagnosticMessage($"neighbor check skipped: {why}");
            return;
        }

        using var neighbor = Neighbor.Create();
        using (var open = new TcpListener(IPAddress.Any, 0))
        {
            open.Start();
            Assert.True(neighbor.Answers(((IPEndPoint)open.LocalEndpoint).Port), "control: a port open on all interfaces must answer the neighbor");
        }

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var ports = model.Resources
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>())
            .Select(e => e.AllocatedEndpoint?.Port ?? e.Port)
            .OfType<int>()
            .Distinct()
            .ToList();
        Assert.True(ports.Count >= 13, $"expected the lab's ports (door, 4 nodes, 4 gateways, HTTP services), found {ports.Count}");
        Assert.All(ports, p => Assert.False(neighbor.Answers(p), $"port {p} answers at {Neighbor.HostAddress}, from another machine"));
    }

    /// <summary>Stopping the lab leaves no node container and no process (agents, API, DCP).</summary>
    internal static async Task AssertNothingLeftAsync()
    {
        for (var i = 0; i < 60 && (ContainerEngine.NodeContainers().Count > 0 || LabProcesses.Running().Count > 0); i++)
        {
            await Task.Delay(500);
        }

        Assert.Empty(ContainerEngine.NodeContainers());
        Assert.Empty(LabProcesses.Running());
    }

    private static string ConnectionString(int port) => TestPostgres.ConnectionStringFor(port, LabSites.Database);

    private static Task<List<object[]>> QueryAsync(int port, string sql) => TestPostgres.QueryOnAsync(ConnectionString(port), sql);

    private static async Task ExecuteAsync(int port, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(port));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long[]> CountsAsync(int port) =>
        (await QueryAsync(port, "SELECT (SELECT count(*) FROM Patients), (SELECT count(*) FROM MedicalRecords), (SELECT count(*) FROM TrainingData), (SELECT count(*) FROM Transactions)"))
        .Single().Select(Convert.ToInt64).ToArray();

    private static async Task<string[]> NotesAsync(int port) =>
        (await QueryAsync(port, "SELECT note FROM student_notes")).Select(r => (string)r[0]).ToArray();
}
