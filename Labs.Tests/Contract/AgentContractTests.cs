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
            // Its node's connection string, by reference (the manifest form: resolved when the lab runs).
            Assert.Equal($"{{{site.Name}.connectionString}}", env[$"ConnectionStrings__{site.Name}"]);
            Assert.DoesNotContain(env.Keys, key => key.StartsWith(CoordinatorOptions.Section + "__", StringComparison.Ordinal));

            // The one exception: the workers' agents know the coordinator's agent by name and address,
            // to place their node's part of a student's statement in its trace (the students' door).
            var keeper = LabSites.Coordinator.AgentName;
            if (site.Role == SiteRole.Worker)
            {
                Assert.Equal(keeper, env[$"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.CoordinatorAgent)}"]);
                // Service discovery's services__agent-paris__http__0, and Aspire's AGENT_PARIS_HTTP.
                var keeperKeys = new[] { $"services__{keeper}__", keeper.Replace('-', '_').ToUpperInvariant() + "_" };
                env = env.Where(e => e.Key != $"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.CoordinatorAgent)}"
                        && !keeperKeys.Any(k => e.Key.StartsWith(k, StringComparison.Ordinal)))
                    .ToDictionary(e => e.Key, e => e.Value);
            }

            foreach (var other in LabSites.All.Where(o => o != site))
            {
                // Names as the app model spells them (tokyo, Tokyo, citus_worker3); "DistanceToParisKm" is a key, not Paris.
                Assert.DoesNotContain(env, e =>
                    e.Key.Contains(other.Name, StringComparison.Ordinal)
                    || e.Value.Contains(other.Name, StringComparison.Ordinal)
                    || e.Value.Contains(other.City, StringComparison.Ordinal)
                    || e.Value.Contains(other.ContainerName, StringComparison.Ordinal));
            }

            // Its references: its own node, and for a worker's agent the door keeper's agent (the agent's
            // own endpoints count as references to itself).
            var references = agent.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Where(r => r.Type == "Reference" && r.Resource != agent).Select(r => r.Resource.Name).Distinct().Order();
            Assert.Equal(site.Role == SiteRole.Worker ? [keeper, site.Name] : [site.Name], references);
        }
    }
}
