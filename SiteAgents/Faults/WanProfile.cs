using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// The WAN between a site and Paris, from geography: light in fibre covers ~200 km per ms, and
/// real routes are ~1.5× the great-circle distance, so ~133 km per ms one way (Tokyo ≈ 73 ms,
/// Montréal ≈ 41 ms, Tunis ≈ 11 ms). Added as a latency fault on both streams, 10% jitter.
/// </summary>
public static class WanProfile
{
    public const string FaultName = "wan";
    private const double KmPerMs = 133.0;

    public static int OneWayDelayMs(int distanceToParisKm) => Math.Max(1, (int)Math.Round(distanceToParisKm / KmPerMs));

    public static IFault Create(int distanceToParisKm)
    {
        var delay = OneWayDelayMs(distanceToParisKm);
        return new Latency(FaultName, flow: null, delay, jitterMs: Math.Max(0, delay / 10));
    }
}
