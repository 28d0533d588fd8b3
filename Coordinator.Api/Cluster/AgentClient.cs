using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.Coordinator.Cluster;

/// <summary>A site agent as the cluster map reports it.</summary>
/// <param name="Name">Its service name (agent-tokyo).</param>
/// <param name="Faults">The types of the faults it applies now (down, latency, …).</param>
public sealed record AgentStatus(string Name, bool Reachable, IReadOnlyList<string> Faults, int OpenConnections, string? Error);

/// <summary>
/// The site agents, reached by service name (http://agent-tokyo): service discovery finds the
/// address the AppHost gave by reference, and Polly's resilience handler retries a transient
/// failure — briefly, since a map that waits long for an agent that is down is no map.
/// </summary>
public sealed class AgentClient(HttpClient http)
{
    public async Task<AgentStatus> StatusAsync(LabSite site, CancellationToken cancellationToken)
    {
        var name = site.AgentName;
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{name}{AgentRoutes.Status}"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new AgentStatus(name, false, [], 0, $"{name} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var status = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var faults = status.TryGetProperty("faults", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(f => f.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "").ToList()
                : [];
            var open = status.TryGetProperty("openConnections", out var count) && count.TryGetInt32(out var n) ? n : 0;
            return new AgentStatus(name, true, faults, open, null);
        }
        catch (Exception e) when (BriefCalls.IsUnanswered(e, cancellationToken) || e is JsonException)
        {
            return new AgentStatus(name, false, [], 0,
                $"{name} does not answer ({e.Message}). Is it running? Start it in the dashboard (resource {name}), or restart the lab.");
        }
    }

    /// <summary>Adds a fault at the site (POST /toxics, Toxiproxy's shape); throws with the agent's answer when refused.</summary>
    public async Task AddFaultAsync(LabSite site, object fault, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri($"http://{site.AgentName}{AgentRoutes.Toxics}"), fault, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{site.AgentName} refused the fault: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Removes every fault at the site (POST /reset).</summary>
    public async Task HealAsync(LabSite site, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"http://{site.AgentName}{AgentRoutes.Reset}"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
