using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Resilience for calls whose answer is only worth having soon (a status, a trace parent).</summary>
public static class BriefCalls
{
    /// <summary>A try's timeout: the callee is on this machine.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Replaces the standard handler of ServiceDefaults with a brief one: one retry, 2 s a try.
    /// RemoveAllResilienceHandlers is still marked experimental; it replaces the default handler
    /// for this one client instead of stacking a second one on it.
    /// </summary>
    public static IHttpClientBuilder AddBriefResilience(this IHttpClientBuilder http)
    {
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.MaxRetryAttempts = 1;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
            resilience.AttemptTimeout.Timeout = AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = 3 * AttemptTimeout;
            resilience.CircuitBreaker.SamplingDuration = 2 * AttemptTimeout;
        });
        return http;
    }

    /// <summary>
    /// Whether a call through a resilient client went unanswered — the callee down (connection
    /// refused), slow (Polly's TimeoutRejectedException once its tries ran out), or given a rest
    /// (BrokenCircuitException) — rather than the caller cancelling. Polly's rejections are not
    /// HttpRequestExceptions: a catch that names only those lets a slow callee's timeout through,
    /// and one such escape out of a background loop stopped a whole site agent (seen in CI).
    /// </summary>
    public static bool IsUnanswered(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or Polly.ExecutionRejectedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
