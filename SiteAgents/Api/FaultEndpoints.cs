using MediAI.SiteAgents.Faults;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Api;

/// <summary>
/// Faults over HTTP, with Toxiproxy's nouns (this agent is one proxy; its faults are toxics):
/// GET/POST /toxics, DELETE /toxics/{name}, POST /reset; and presets for the dashboard commands.
/// </summary>
public static class FaultEndpoints
{
    public static IEndpointRouteBuilder MapFaultEndpoints(this IEndpointRouteBuilder app, int distanceToParisKm)
    {
        app.MapGet(AgentRoutes.Toxics, (FaultRegistry faults) => faults.Snapshot.Select(Describe));

        app.MapPost(AgentRoutes.Toxics, (FaultRequest? request, FaultRegistry faults, FaultContext context) =>
        {
            if (request is null)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON fault: {\"type\": \"latency\", \"stream\": \"downstream\", \"attributes\": {\"latency\": 100}}"] });
            }

            var fault = FaultCatalog.TryCreate(request, context, out var errors);
            if (fault is null)
            {
                return Results.ValidationProblem(errors, title: "This fault cannot be added: see which field is wrong.");
            }

            return faults.TryAdd(fault)
                ? Results.Created($"{AgentRoutes.Toxics}/{fault.Name}", Describe(fault))
                : Results.Problem($"A fault named '{fault.Name}' exists already: remove it first, or choose another name.", statusCode: StatusCodes.Status409Conflict);
        });

        app.MapDelete(AgentRoutes.Toxics + "/{name}", (string name, FaultRegistry faults) =>
            faults.Remove(name) ? Results.NoContent() : Results.Problem($"No fault named '{name}' at this site.", statusCode: StatusCodes.Status404NotFound));

        // Toxiproxy's reset: every fault removed, the site fully reachable.
        app.MapPost(AgentRoutes.Reset, (FaultRegistry faults) => Results.Ok(new { removed = faults.Clear() }));

        app.MapPost(AgentRoutes.Down, (FaultRegistry faults) => Add(faults, new Down("down")));
        app.MapPost(AgentRoutes.Restore, (FaultRegistry faults) => Results.Ok(new { restored = faults.Remove("down") }));
        app.MapPost(AgentRoutes.WanOn, (FaultRegistry faults) => Add(faults, WanProfile.Create(distanceToParisKm)));
        app.MapPost(AgentRoutes.WanOff, (FaultRegistry faults) => Results.Ok(new { removed = faults.Remove(WanProfile.FaultName) }));
        app.MapPost(AgentRoutes.FailPrepare, (FaultRegistry faults) => Add(faults, new FailPrepare(FailPrepare.TypeName, faults)));
        app.MapPost(AgentRoutes.DropAfterPrepare, (FaultRegistry faults) => Add(faults, new DropAfterPrepare(DropAfterPrepare.TypeName, faults)));
        app.MapPost(AgentRoutes.DropBeforeCommitPrepared, (FaultRegistry faults) => Add(faults, new DropBeforeCommitPrepared(DropBeforeCommitPrepared.TypeName, faults)));
        app.MapPost(AgentRoutes.HoldCommitPrepared, (FaultRegistry faults) =>
            Add(faults, new DelayCommitPrepared(DelayCommitPrepared.TypeName, TwoPhaseHold.DefaultDelayMs, every: false, faults)));
        app.MapPost(AgentRoutes.HoldPrepare, (FaultRegistry faults) =>
            Add(faults, new DelayPrepare(DelayPrepare.TypeName, TwoPhaseHold.DefaultDelayMs, every: false, faults)));
        app.MapPost(AgentRoutes.CrashCoordinatorBeforeCommitRecord, (FaultRegistry faults, FaultContext context) =>
            Add(faults, CrashCoordinatorPreset(TwoPhaseMoment.Prepared, context)));
        app.MapPost(AgentRoutes.CrashCoordinatorAfterCommitRecord, (FaultRegistry faults, FaultContext context) =>
            Add(faults, CrashCoordinatorPreset(TwoPhaseMoment.CommitPrepared, context)));
        return app;
    }

    private static CrashCoordinator CrashCoordinatorPreset(string at, FaultContext context) =>
        CrashCoordinator.Create($"{CrashCoordinator.TypeName}_{at}", null,
            new FaultRequest { Attributes = new() { ["at"] = System.Text.Json.JsonSerializer.SerializeToElement(at) } }, context, []);

    /// <summary>Presets are idempotent: asking twice leaves one fault.</summary>
    private static IResult Add(FaultRegistry faults, IFault fault)
    {
        faults.TryAdd(fault);
        return Results.Ok(faults.Snapshot.Select(Describe));
    }

    public static object Describe(IFault fault) => new
    {
        name = fault.Name,
        type = fault.Type,
        stream = fault.Flow switch
        {
            Protocol.Flow.Upstream => "upstream",
            Protocol.Flow.Downstream => "downstream",
            _ => "both",
        },
        attributes = fault.Attributes,
    };
}
