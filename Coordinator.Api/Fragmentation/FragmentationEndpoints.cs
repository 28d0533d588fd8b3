using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;

namespace MediAI.Coordinator.Fragmentation;

/// <summary>POST /fragmentation/check: are these fragments complete, disjoint and reconstructible?</summary>
public static class FragmentationEndpoints
{
    public static IEndpointRouteBuilder MapFragmentationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/fragmentation/check", (FragmentationRequest? request, FragmentationChecker checker, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => Results.Ok(await checker.CheckAsync(request ?? new FragmentationRequest(), ct)), lab.Value))
            .WithSummary("Check horizontal, vertical or hybrid fragments of a table: completeness, disjointness, reconstructibility, with the offending rows.");
        return app;
    }
}
