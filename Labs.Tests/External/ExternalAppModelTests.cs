// GetEnvironmentVariableValuesAsync is obsolete in 13.x but remains the plainest public way to
// read what a resource would be given, without starting it.
#pragma warning disable CS0618

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.External;

/// <summary>The AppHost's app model in external mode, built but not started: what each service is given, and nothing of the lab's own nodes.</summary>
public sealed class ExternalAppModelTests
{
    private const string Coordinator = "Host=db1.example.edu;Port=5432;Username=citus;SSL Mode=Require";

    [Fact]
    public async Task The_services_get_the_coordinator_its_password_apart_and_the_registered_agents_and_no_node_or_agent_is_started()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "--Lab:Mode=external", $"--Lab:Coordinator={Coordinator}", "--Parameters:coordinator-password=s3cret",
            "--Lab:Agents:tokyo=http://db4.example.edu:5580", "--Lab:Gateways:tokyo=db4.example.edu:6432",
        ]);
        Assert.Empty(builder.Resources.OfType<ContainerResource>());
        Assert.DoesNotContain(builder.Resources, r => LabSites.Running(withSpare: true).Any(s => r.Name == s.Name || r.Name == s.AgentName));
        Assert.Equal(["cluster-bootstrap", "coordinator-api"], builder.Resources.OfType<ExecutableResource>().Select(r => r.Name).Order());

        // The coordinator's connection string is the one given, TLS settings and all.
        var coordinator = (IResourceWithConnectionString)builder.Resources.Single(r => r.Name == CoordinatorOptions.ExternalCoordinator);
        Assert.Equal(Coordinator, await coordinator.GetConnectionStringAsync(TestContext.Current.CancellationToken));

        var api = await Env("coordinator-api");
        var bootstrap = await Env("cluster-bootstrap");
        foreach (var env in new[] { api, bootstrap })
        {
            Assert.Equal("true", env["Lab__External"]);
            Assert.Equal("{coordinator.connectionString}", env[$"ConnectionStrings__{CoordinatorOptions.ExternalCoordinator}"]);
            // The password travels apart, as the secret parameter: never inside the connection string the dashboard shows.
            Assert.Contains("coordinator-password", env["Lab__CoordinatorPassword"]);
            Assert.Equal("db4.example.edu:6432", env["Lab__ClusterAddresses__tokyo"]);
            Assert.DoesNotContain(env.Keys, k => k.StartsWith("ConnectionStrings__paris", StringComparison.Ordinal));
        }

        Assert.Equal("http://db4.example.edu:5580", api["services__agent-tokyo__http__0"]);
        Assert.DoesNotContain(bootstrap.Keys, k => k.StartsWith("services__agent", StringComparison.Ordinal));

        async Task<Dictionary<string, string>> Env(string name) =>
            await ((ExecutableResource)builder.Resources.Single(r => r.Name == name)).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
    }

    [Theory]
    [InlineData("--Lab:Agents:lyon=http://db9:5580", "--Lab:Agents:lyon: the lab has no site 'lyon'")]
    [InlineData("--Lab:Agents:tokyo=db4:5580", "--Lab:Agents:tokyo=db4:5580 is not the agent's HTTP address")]
    [InlineData("--Lab:Gateways:tokyo=db4:6432", "--Lab:Gateways:tokyo is given without --Lab:Agents:tokyo")]
    public async Task A_wrong_agent_registration_is_named_before_anything_starts(string option, string message)
    {
        var (exit, output) = await AppHostProcess.RunToExitAsync(["--Lab:Mode=external", $"--Lab:Coordinator={Coordinator}", option], TimeSpan.FromSeconds(60));
        Assert.True(exit == 1, output);
        Assert.Contains(message, output);
    }
}
