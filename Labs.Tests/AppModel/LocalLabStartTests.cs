using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;
using MediAI.AppHost.Nodes;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediAI.Labs.Tests.AppModel;

/// <summary>
/// The whole AppHost started in local mode: four node processes, the bootstrap, four agents and
/// the API — once on this machine's default PostgreSQL (a student without Docker or Citus), once
/// on a PostgreSQL with Citus (MEDIAI_CITUS_PG_BIN).
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class LocalLabStartTests
{
    [Fact]
    public Task On_the_default_PostgreSQL_every_resource_comes_up_and_the_coordinator_serves_the_seeded_data() =>
        RunAsync(Installations.Plain.BinDir);

    [Fact]
    [NeedsCitus]
    public Task With_Citus_every_resource_comes_up_and_the_coordinator_serves_the_seeded_data()
    {
        Installations.RequireCitus();
        return RunAsync(Installations.Citus!.BinDir);
    }

    private static async Task RunAsync(string postgresBin)
    {
        var dataDir = Directory.CreateTempSubdirectory("mediai-apphost-").FullName;
        var port = LabPort();
        // What the lab will find there: the default PostgreSQL may have Citus too.
        var withCitus = PostgresInstallation.Find(postgresBin)!.HasCitus;
        var args = LocalLabArgs(dataDir, port, postgresBin);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        await using var app = await LabApp.StartAsync(args, timeout.Token);
        // The bootstrap's steps as its progress row shows them (in the Source column), as they come.
        var steps = new List<string>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in app.ResourceNotifications.WatchAsync(stopWatching.Token))
                {
                    if (e.Resource.Name == "bootstrap-progress"
                        && e.Snapshot.Properties.FirstOrDefault(p => p.Name == CustomResourceKnownProperties.Source)?.Value is string step
                        && (steps.Count == 0 || steps[^1] != step))
                    {
                        steps.Add(step);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("coordinator-api", timeout.Token);
        foreach (var site in LabSites.All)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(site.Name, timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync($"agent-{site.Name}", timeout.Token);
        }

        await LabApp.WaitUntilReadyAsync(app, timeout.Token);
        await app.ResourceNotifications.WaitForResourceAsync("bootstrap-progress", KnownResourceStates.Finished, timeout.Token);
        await stopWatching.CancelAsync();
        await watching;
        Assert.Equal("done, 65 rows", steps[^1]);
        Assert.Contains("loading the seed data", steps);
        if (withCitus)
        {
            // A fresh cluster: each country is placed at its site, one numbered step each.
            Assert.Contains(steps, s => System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d+/\d+ placing Japan at Tokyo$"));
        }

        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionStringFor(port, LabSites.Database));
        await connection.OpenAsync(timeout.Token);
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM Patients), (SELECT count(*) FROM MedicalRecords), (SELECT count(*) FROM TrainingData), (SELECT count(*) FROM Transactions)",
            connection);
        await using var reader = await count.ExecuteReaderAsync(timeout.Token);
        Assert.True(await reader.ReadAsync(timeout.Token));
        Assert.Equal(new long[] { 20, 14, 13, 18 }, new[] { reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3) });
        await reader.DisposeAsync();

        // The agents answer for their site's node. (Each status is a live probe of 3 s at most: on a
        // machine busy with other tests' clusters one may time out, so it is asked again for a while.)
        using var http = app.CreateHttpClient("agent-tokyo", "http");
        var status = await http.GetStringAsync(AgentRoutes.Status, timeout.Token);
        for (var i = 0; i < 10 && !status.Contains("\"reachable\":true", StringComparison.Ordinal); i++)
        {
            await Task.Delay(2_000, timeout.Token);
            status = await http.GetStringAsync(AgentRoutes.Status, timeout.Token);
        }

        Assert.True(status.Contains("\"reachable\":true", StringComparison.Ordinal), status);

        // The dashboard command's endpoint: reset answers the seeded counts and its trace id.
        using var api = app.CreateHttpClient("coordinator-api", "http");
        using var reset = await api.PostAsync("/lab/reset", null, timeout.Token);
        Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync(timeout.Token));
        var traceId = (await reset.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));

        // That trace reaches the dashboard: the API's span, Npgsql's, and — with Citus, where the
        // reload crosses the sites — every site agent's.
        var dashboard = await app.GetDashboardUrlAsync(timeout.Token);
        Assert.NotNull(dashboard);
        using var telemetry = new HttpClient { BaseAddress = dashboard };
        string[] sites = withCitus ? ["agent-paris", "agent-tunis", "agent-montreal", "agent-tokyo"] : [];
        await LabApp.AssertTraceAsync(telemetry, traceId!, ["coordinator-api", .. sites], ["Npgsql", "Microsoft.AspNetCore"], timeout.Token);

        // A traced query through the API: its trace has the API's and Npgsql's spans, and the sites that ran it.
        using var query = await api.PostAsJsonAsync("/query", new { sql = "SELECT country, count(*) FROM Patients GROUP BY country" }, timeout.Token);
        Assert.True(query.IsSuccessStatusCode, await query.Content.ReadAsStringAsync(timeout.Token));
        var queryTrace = (await query.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("traceId").GetString()!;
        await LabApp.AssertTraceAsync(telemetry, queryTrace, ["coordinator-api", .. sites], ["Npgsql", "Microsoft.AspNetCore"], timeout.Token);

        // The dashboard's "Run fault campaign" command, with its arguments: the same job as POST /jobs/fault-campaign.
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        static InteractionInputCollection Arguments(string transactions, string faultRate) => new(
        [
            new InteractionInput { Name = "transactions", InputType = InputType.Number, Value = transactions },
            new InteractionInput { Name = "faultRate", InputType = InputType.Text, Value = faultRate },
            new InteractionInput { Name = "seed", InputType = InputType.Number, Value = "3" },
        ]);
        var campaign = await commands.ExecuteCommandAsync("coordinator-api", "fault-campaign", Arguments("6", "0.5"), timeout.Token);
        Assert.True(campaign.Success, campaign.Message);
        var jobId = System.Text.RegularExpressions.Regex.Match(campaign.Message ?? "", "job ([0-9a-f]{12})").Groups[1].Value;
        var job = await Jobs.JobPolling.EndedAsync(api, jobId, TimeSpan.FromMinutes(2), timeout.Token);

        if (!withCitus)
        {
            Assert.Equal("Failed", job.GetProperty("state").GetString());
            Assert.Contains("needs Citus", job.GetProperty("error").GetString());
        }
        else
        {
            Assert.Equal("Succeeded", job.GetProperty("state").GetString());
            Assert.Equal(0, job.GetProperty("result").GetProperty("invariants").GetProperty("violations").GetArrayLength());
        }

        var wrong = await commands.ExecuteCommandAsync("coordinator-api", "fault-campaign", Arguments("6", "2"), timeout.Token);
        Assert.False(wrong.Success);
        Assert.Contains("faultRate", wrong.Message);

        // "Grade class": the same job as --class; a folder with no student in it is refused, saying so.
        var emptyClass = Directory.CreateTempSubdirectory("mediai-empty-class-").FullName;
        var grading = await commands.ExecuteCommandAsync("coordinator-api", "class-grading", new InteractionInputCollection(
            [new InteractionInput { Name = "folder", InputType = InputType.Text, Value = emptyClass }]), timeout.Token);
        Directory.Delete(emptyClass);
        Assert.False(grading.Success);
        Assert.Contains("holds no student folder", grading.Message);

        // Service discovery: the API reaches every agent by its service name (http://agent-tokyo, from
        // the AppHost's references; no address configured here) and reports an agent that is down as down.
        await AssertAgentsAsync(api, down: null, timeout.Token);
        var tokyoAgent = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == LabSites.All[3].AgentName);
        var stopped = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(tokyoAgent, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stopped.Success, stopped.Message);
        await app.ResourceNotifications.WaitForResourceAsync(tokyoAgent.Name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        await AssertAgentsAsync(api, down: tokyoAgent.Name, timeout.Token);

        await app.StopAsync(timeout.Token);
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A site agent that ends while the lab starts (its gateway's port taken, a crash) leaves the
    /// bootstrap waiting for it for good — Aspire's own wait does not stop for a process that
    /// ended — so the lab names the agent with its last log lines and says it is not ready,
    /// instead of a terminal that stays silent.
    /// </summary>
    [Fact]
    public async Task A_site_agent_that_ends_during_the_start_is_named_and_the_lab_says_it_is_not_ready()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "finds the agent's process through /proc");
        var dataDir = Directory.CreateTempSubdirectory("mediai-apphost-").FullName;
        var mark = Guid.NewGuid().ToString("N");
        await using var lab = AppHostProcess.Start(
            LocalLabArgs(dataDir, LabPort(), Installations.Plain.BinDir),
            // The agents inherit it: this lab's Tokyo agent is told from any other test's.
            new Dictionary<string, string> { ["MEDIAI_TEST_LAB"] = mark });
        try
        {
            using var agent = await ProcessWithEnvironmentAsync(["Site__Name=tokyo", $"MEDIAI_TEST_LAB={mark}"], TimeSpan.FromMinutes(2));
            agent.Kill();
            await lab.WaitForLineAsync("Tokyo's site agent (agent-tokyo) stopped", TimeSpan.FromSeconds(60));
            await lab.WaitForLineAsync("The lab is not ready", TimeSpan.FromSeconds(30));
            Assert.DoesNotContain("MediAI lab ready", lab.Output);
            Assert.Contains("restart agent-tokyo in the dashboard", lab.Output);
            await lab.StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The first process of this machine whose environment holds every one of <paramref name="variables"/> (Linux's /proc).</summary>
    private static async Task<System.Diagnostics.Process> ProcessWithEnvironmentAsync(string[] variables, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var process in System.Diagnostics.Process.GetProcesses())
            {
                try
                {
                    var environment = File.ReadAllText($"/proc/{process.Id}/environ").Split('\0');
                    if (variables.All(environment.Contains))
                    {
                        return process;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or not ours to read.
                }

                process.Dispose();
            }

            await Task.Delay(50);
        }

        Assert.Fail($"No process with {string.Join(", ", variables)} within {limit.TotalSeconds:0} s.");
        return null!;
    }

    /// <summary>A free port for a local lab's door, in the test labs' band (<see cref="TestPorts"/>).</summary>
    private static int LabPort() => FreePorts.FirstFree(27_000 + Random.Shared.Next(0, 2_000), new HashSet<int>());

    /// <summary>A local-mode lab on <paramref name="postgresBin"/>'s PostgreSQL, its data in <paramref name="dataDir"/>, its door at <paramref name="port"/>.</summary>
    private static string[] LocalLabArgs(string dataDir, int port, string postgresBin) =>
    [
        "--Lab:Mode=local",
        $"--Lab:DataDir={dataDir}",
        $"--Lab:CoordinatorPort={port}",
        $"--Lab:PostgresBin={postgresBin}",
        // No container engine here: do not wait for one.
        "--DcpPublisher:ContainerRuntimeInitializationTimeout=00:00:00",
    ];

    /// <summary>The cluster map's agents: all answering, but <paramref name="down"/>, reported down with a reason naming it.</summary>
    private static async Task AssertAgentsAsync(HttpClient api, string? down, CancellationToken cancellationToken)
    {
        var map = await api.GetFromJsonAsync<JsonElement>("/cluster", cancellationToken);
        var agents = map.EnumerateArray().Select(site => site.GetProperty("agent")).ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(LabSites.All.Select(s => s.AgentName).Order(), agents.Keys.Order());
        foreach (var (name, agent) in agents)
        {
            Assert.Equal(name != down, agent.GetProperty("reachable").GetBoolean());
            if (name == down)
            {
                Assert.Contains($"{name} does not answer", agent.GetProperty("error").GetString());
            }
        }
    }
}
