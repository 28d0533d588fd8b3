// GetEnvironmentVariableValuesAsync/GetArgumentValuesAsync are obsolete in 13.x but remain the
// plainest public way to read what a resource would be given, without starting it.
#pragma warning disable CS0618

using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;
using MediAI.AppHost.Setup;

namespace MediAI.Labs.Tests.AppModel;

/// <summary>
/// The AppHost's app model in container mode, built but not started (no container engine here).
/// </summary>
[Collection(Port5432.Collection)]
public sealed class AppModelTests
{
    private static async Task<IDistributedApplicationTestingBuilder> ContainerModelAsync(params string[] extra) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Lab:Mode=containers", "--Lab:CheckEngine=false", .. extra]);

    private static IResource Resource(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Single(r => r.Name == name);

    [Fact]
    public async Task Four_citus_containers_with_the_pinned_image_and_the_handout_names()
    {
        var builder = await ContainerModelAsync();
        var containers = builder.Resources.OfType<ContainerResource>().ToDictionary(c => c.Name);
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], containers.Keys.Order());
        foreach (var site in LabSites.All)
        {
            var container = containers[site.Name];
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Last();
            Assert.Equal("citusdata/citus", image.Image);
            Assert.Matches(@"^12\.1\.\d+$", image.Tag); // a patch tag: 12.1 alone moves
            Assert.Equal(site.ContainerName, container.Annotations.OfType<ContainerNameAnnotation>().Last().Name);
            // The handout's "docker exec -it citus_master psql … -f /data/schema-mediAI.sql" finds the scripts.
            var data = container.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Target == "/data");
            Assert.True(File.Exists(Path.Combine(data.Source!, "schema-mediAI.sql")));
            Assert.True(data.IsReadOnly);
        }

        Assert.Equal(
            ["citus_master", "citus_worker1", "citus_worker2", "citus_worker3"],
            containers.Values.Select(c => c.Annotations.OfType<ContainerNameAnnotation>().Last().Name).Order());
    }

    [Fact]
    public async Task The_students_door_is_5432_or_the_pinned_port_and_every_node_is_published_on_loopback_without_a_proxy()
    {
        var builder = await ContainerModelAsync();
        var door = ((IResourceWithEndpoints)Resource(builder, "agent-paris")).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == ClientDoor.EndpointName);
        var expected = FreePorts.IsFree(5432) ? 5432 : FreePorts.FirstFree(5432, new HashSet<int>());
        Assert.Equal(expected, door.Port);
        var paris = (ExecutableResource)Resource(builder, "agent-paris");
        var env = await paris.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.ClientPort)}"]);
        Assert.Equal("container citus_master", env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.NodeName)}"]);

        // psql inside citus_master (docker exec) comes in through the door: its psqlrc, mounted, and the door's address.
        foreach (var site in LabSites.All)
        {
            var node = Resource(builder, site.Name);
            var nodeEnv = await ((IResourceWithEnvironment)node).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
            var psqlrc = node.Annotations.OfType<ContainerMountAnnotation>().SingleOrDefault(m => m.Target == "/etc/mediai/psqlrc");
            if (site.Role == SiteRole.Coordinator)
            {
                Assert.NotNull(psqlrc);
                Assert.True(psqlrc.IsReadOnly);
                Assert.Contains("\\connect - - :mediai_door_host :mediai_door_port", File.ReadAllText(psqlrc.Source!));
                Assert.Equal("/etc/mediai/psqlrc", nodeEnv["PSQLRC"]);
                Assert.Equal("host.docker.internal", nodeEnv["MEDIAI_DOOR_HOST"]);
                Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), nodeEnv["MEDIAI_DOOR_PORT"]);
            }
            else
            {
                Assert.Null(psqlrc);
                Assert.False(nodeEnv.ContainsKey("PSQLRC"), $"{site.Name}: a worker's psql is that worker's, not the door's");
            }
        }

        var pinned = FreePorts.FirstFree(26_000, new HashSet<int>());
        var pinnedBuilder = await ContainerModelAsync($"--Lab:CoordinatorPort={pinned}");
        var pinnedDoor = ((IResourceWithEndpoints)Resource(pinnedBuilder, "agent-paris")).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == ClientDoor.EndpointName);
        Assert.Equal(pinned, pinnedDoor.Port);
        var pinnedParis = await ((IResourceWithEnvironment)Resource(pinnedBuilder, "paris")).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.Equal(pinned.ToString(CultureInfo.InvariantCulture), pinnedParis["MEDIAI_DOOR_PORT"]);

        // No Aspire proxy in front of a node: a stopped container's port closes (no silent hang),
        // and the engine publishes it on loopback only.
        foreach (var site in LabSites.All)
        {
            var tcp = ((IResourceWithEndpoints)Resource(builder, site.Name)).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp");
            Assert.False(tcp.IsProxied);
            Assert.NotNull(tcp.Port);
            Assert.NotEqual(door.Port, tcp.Port);
            Assert.Equal("127.0.0.1", tcp.TargetHost);
            Assert.Equal(5432, tcp.TargetPort);
        }
    }

    [Fact]
    public async Task Data_is_kept_in_volumes_named_after_the_image_postgres_version_unless_turned_off()
    {
        var builder = await ContainerModelAsync();
        foreach (var site in LabSites.All)
        {
            var volume = Resource(builder, site.Name).Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.Volume);
            Assert.Equal($"mediai-lab-{site.Name}-pg16", volume.Source); // citusdata/citus:12.1.10 is PostgreSQL 16
        }

        // An image the lab knows nothing of (not here, not the default): no Citus assumed, no version in the name.
        var custom = await ContainerModelAsync("--Lab:Image=example.invalid/none:1", "--Lab:VolumePrefix=mine");
        var tokyo = (ContainerResource)Resource(custom, "tokyo");
        Assert.Equal("mine-tokyo", tokyo.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.Volume).Source);
        var image = tokyo.Annotations.OfType<ContainerImageAnnotation>().Last();
        Assert.Equal(("example.invalid/none", "1"), (image.Image, image.Tag));
        var args = await tokyo.GetArgumentValuesAsync(DistributedApplicationOperation.Publish);
        Assert.DoesNotContain("shared_preload_libraries=citus", args);

        var off = await ContainerModelAsync("--Lab:Volumes=false");
        Assert.DoesNotContain(Resource(off, "paris").Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);
    }

    [Fact]
    public async Task Nodes_get_the_cluster_password_logical_wal_and_prepared_transactions()
    {
        var builder = await ContainerModelAsync();
        foreach (var site in LabSites.All)
        {
            var node = (ContainerResource)Resource(builder, site.Name);
            var env = await node.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
            Assert.Contains("PGPASSWORD", env.Keys);
            Assert.Contains("POSTGRES_PASSWORD", env.Keys);
            var args = await node.GetArgumentValuesAsync(DistributedApplicationOperation.Publish);
            Assert.Contains("wal_level=logical", args);
            Assert.Contains(args, a => a.StartsWith("max_prepared_transactions=", StringComparison.Ordinal));
            Assert.Contains("shared_preload_libraries=citus", args);
            Assert.Contains("citus.node_conninfo=sslmode=disable tcp_user_timeout=10000", args);
            Assert.Contains("citus.node_connection_timeout=5000", args);
            Assert.Contains("citus.enable_local_execution=off", args);
            Assert.Contains("citus.recover_2pc_interval=-1", args);
        }
    }

    [Fact]
    public async Task The_dashboard_nests_each_agent_under_its_node_shows_the_bootstraps_progress_and_gives_every_resource_an_icon()
    {
        var builder = await ContainerModelAsync();
        static bool ChildOf(IResource child, string parent) =>
            child.Annotations.OfType<ResourceRelationshipAnnotation>().Any(r => r.Type == "Parent" && r.Resource.Name == parent);

        foreach (var site in LabSites.All)
        {
            Assert.True(ChildOf(Resource(builder, site.AgentName), site.Name), $"{site.AgentName} sits under {site.Name}");
        }

        var progress = Resource(builder, "bootstrap-progress");
        Assert.True(ChildOf(progress, "cluster-bootstrap"));
        foreach (var resource in builder.Resources.Where(r => r is not ParameterResource))
        {
            Assert.True(resource.Annotations.OfType<ResourceIconAnnotation>().Any(), $"{resource.Name} has an icon");
        }
    }

    [Fact]
    public async Task The_fifth_site_is_a_fifth_node_and_agent_given_to_the_api_and_the_bootstrap_only_when_asked_for()
    {
        var four = await ContainerModelAsync();
        Assert.DoesNotContain(four.Resources, r => r.Name.Contains("dakar", StringComparison.Ordinal));

        var five = await ContainerModelAsync("--Lab:FifthSite=true");
        var dakar = Assert.IsType<ContainerResource>(Resource(five, "dakar"), exactMatch: false);
        Assert.Equal("citus_worker4", dakar.Annotations.OfType<ContainerNameAnnotation>().Last().Name);
        var agent = (ExecutableResource)Resource(five, "agent-dakar");
        var agentEnv = await agent.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("dakar", agentEnv["Site__Name"]);
        foreach (var service in new[] { "coordinator-api", "cluster-bootstrap" })
        {
            var env = await ((ExecutableResource)Resource(five, service)).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
            Assert.Equal("{dakar.connectionString}", env["ConnectionStrings__dakar"]);
            Assert.True(env.ContainsKey("Lab__ClusterAddresses__dakar"), service);
        }
    }

    [Fact]
    public async Task One_agent_per_site_the_bootstrap_waits_for_every_node_and_agent_and_the_api_for_the_nodes()
    {
        var builder = await ContainerModelAsync();
        // The lab's .NET services run their built dll directly (see AppHost/LabServices.cs).
        var services = builder.Resources.OfType<ExecutableResource>().Where(e => e.Command == "dotnet").ToList();
        Assert.Equal(
            ["agent-montreal", "agent-paris", "agent-tokyo", "agent-tunis", "cluster-bootstrap", "coordinator-api"],
            services.Select(s => s.Name).Order());
        foreach (var service in services)
        {
            var args = await service.GetArgumentValuesAsync(DistributedApplicationOperation.Publish);
            Assert.EndsWith(service.Name.StartsWith("agent-", StringComparison.Ordinal) ? "SiteAgents.dll" : "Coordinator.Api.dll", args[0]);
        }

        var bootstrap = Resource(builder, "cluster-bootstrap");
        Assert.Equal(
            ["agent-montreal", "agent-paris", "agent-tokyo", "agent-tunis", "montreal", "paris", "tokyo", "tunis"],
            bootstrap.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order());

        // The API starts beside the bootstrap, once the nodes are up ("MediAI lab ready" waits for both).
        var api = (ExecutableResource)Resource(builder, "coordinator-api");
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], api.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order());

        // Every node by WithReference (its connection string), and where the nodes reach it.
        var env = await api.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        foreach (var site in LabSites.All)
        {
            Assert.Equal($"{{{site.Name}.connectionString}}", env[$"ConnectionStrings__{site.Name}"]);
        }

        // Citus registers each node under its site agent's gateway, on the host.
        var tokyoAgent = (IResourceWithEndpoints)Resource(builder, "agent-tokyo");
        var gateway = tokyoAgent.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "gateway");
        Assert.Equal($"host.docker.internal:{gateway.Port}", env[$"{CoordinatorOptions.Section}__{nameof(CoordinatorOptions.ClusterAddresses)}__tokyo"]);
        var tokyoNode = (ContainerResource)Resource(builder, "tokyo");
        Assert.Contains(tokyoNode.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>(), _ => true);

        // Agents start with the nodes, not after them: a gateway relays once its node is up.
        foreach (var site in LabSites.All)
        {
            Assert.Empty(Resource(builder, $"agent-{site.Name}").Annotations.OfType<WaitAnnotation>());
        }

        Assert.Contains(api.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "reset-lab");
        var tokyoCommands = Resource(builder, "agent-tokyo").Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name)
            .Where(n => !n.StartsWith("resource-", StringComparison.Ordinal) && n is not ("start" or "stop" or "restart")).ToList();
        Assert.Equal(
            ["crash-coordinator-after", "crash-coordinator-before", "drop-after-prepare", "fail-prepare", "heal-all", "hold-commit-prepared", "hold-prepare", "node-kill", "node-start", "site-down", "site-restore", "wan-off", "wan-on"],
            tokyoCommands.Where(n => n != "node-stop").Order());
        // A clean stop is the container's (docker stop); a local node's process is stopped from its own row.
        Assert.Equal(Resource(builder, "tokyo") is ContainerResource, tokyoCommands.Contains("node-stop"));
        // The coordinator cannot crash itself between the phases from its own menu, nor hold its own phases: that is the workers'.
        Assert.DoesNotContain(Resource(builder, "agent-paris").Annotations.OfType<ResourceCommandAnnotation>(),
            c => c.Name.StartsWith("crash-coordinator", StringComparison.Ordinal) || c.Name.StartsWith("hold-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Paris_agent_is_given_the_dashboards_address_for_its_trace_links_when_it_is_known_before_the_start()
    {
        var known = await ContainerModelAsync("--ASPNETCORE_URLS=http://localhost:18888");
        var env = await ((ExecutableResource)Resource(known, "agent-paris")).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("http://localhost:18888", env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.DashboardUrl)}"]);
        var tokyo = await ((ExecutableResource)Resource(known, "agent-tokyo")).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.False(tokyo.ContainsKey($"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.DashboardUrl)}"), "only the door gives trace links");

        // A port chosen at the start (0) is no address to give: no links rather than wrong ones.
        var chosenLater = await ContainerModelAsync("--ASPNETCORE_URLS=http://127.0.0.1:0");
        var none = await ((ExecutableResource)Resource(chosenLater, "agent-paris")).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
        Assert.False(none.ContainsKey($"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.DashboardUrl)}"));
    }

    [Theory]
    [InlineData("http://localhost:18888", "http://localhost:18888")]
    [InlineData("https://localhost:17000;http://localhost:15000", "https://localhost:17000")]
    [InlineData("http://+:18888", "http://localhost:18888")]
    [InlineData("http://0.0.0.0:18888/", "http://localhost:18888")]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData(null, null)]
    public void The_dashboards_address_is_one_a_browser_opens(string? urls, string? expected)
    {
        var configuration = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(
                new Microsoft.Extensions.Configuration.ConfigurationBuilder(), new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = urls })
            .Build();
        Assert.Equal(expected, DashboardAddress.From(configuration));
    }
}
