// GetEnvironmentVariableValuesAsync: still the simplest read of what a resource is given (same as AppModelTests).
#pragma warning disable CS0618
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace MediAI.Labs.Tests.Contract;

/// <summary>
/// The contract between the app model and the site agents, read from the real app model: each
/// agent is told its own site and node, and nothing of the other three.
/// </summary>
public sealed class AgentContractTests
{
    [Fact]
    public async Task Each_agent_receives_only_its_own_site_and_node()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Lab:Mode=containers", "--Lab:CheckEngine=false"]);
        foreach (var site in LabSites.All)
        {
            var agent = (ExecutableResource)builder.Resources.Single(r => r.Name == $"agent-{site.Name}");
            var env = await agent.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);

            Assert.Equal(site.Name, env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.Name)}"]);
            Assert.Equal(site.City, env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.City)}"]);
            Assert.StartsWith("Host=localhost;Port=", env[$"ConnectionStrings__{site.Name}"]);
            Assert.DoesNotContain(env.Keys, key => key.StartsWith(CoordinatorOptions.Section + "__", StringComparison.Ordinal));

            foreach (var other in LabSites.All.Where(o => o != site))
            {
                Assert.DoesNotContain(env, e =>
                    e.Key.Contains(other.Name, StringComparison.OrdinalIgnoreCase)
                    || e.Value.Contains(other.Name, StringComparison.OrdinalIgnoreCase)
                    || e.Value.Contains(other.ContainerName, StringComparison.Ordinal));
            }

            // Its node reference is to its own node only.
            var references = agent.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name);
            Assert.Equal([site.Name], references);
        }
    }
}
