using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Calls that act and take seconds (kill or start a node): never retried, bounded by one timeout.</summary>
public static class LongCalls
{
    /// <summary>
    /// Removes ServiceDefaults' standard handler for this one client: its retries would kill a node
    /// twice, and its 10 s a try would cut a container's start short.
    /// </summary>
    public static IHttpClientBuilder AsLongCall(this IHttpClientBuilder http, TimeSpan timeout)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is still marked experimental (see BriefCalls)
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return http.ConfigureHttpClient(client => client.Timeout = timeout);
    }
}
