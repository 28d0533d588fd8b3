using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MediAI.SiteAgents.Gateway;

/// <summary>Ready once the gateway listens: the bootstrap registers the nodes under it.</summary>
public sealed class GatewayHealthCheck(GatewayListener gateway) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(gateway.Bound.Status switch
        {
            TaskStatus.RanToCompletion => HealthCheckResult.Healthy($"listening on {gateway.Bound.Result}"),
            TaskStatus.Faulted => HealthCheckResult.Unhealthy("the gateway could not listen", gateway.Bound.Exception),
            _ => HealthCheckResult.Degraded("starting"),
        });
}
