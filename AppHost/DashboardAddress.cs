using Microsoft.Extensions.Configuration;

namespace MediAI.AppHost;

/// <summary>
/// The dashboard's address as a student opens it (http://localhost:18888, from the launch profile's
/// ASPNETCORE_URLS), given to Paris's agent for the trace links its door sends. None when the
/// address is not known before the start (port 0: chosen then), so no link could be wrong.
/// </summary>
public static class DashboardAddress
{
    public static string? From(IConfiguration configuration)
    {
        var first = configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        // Kestrel's wildcards are not addresses a browser opens.
        if (first?.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal) is not { } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port == 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }
}
