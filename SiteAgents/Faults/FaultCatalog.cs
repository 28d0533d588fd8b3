using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>Builds a fault from a request; says which field is wrong when it cannot.</summary>
public static class FaultCatalog
{
    /// <summary>Each type, what it does, and how to build it (one file per fault type).</summary>
    public static readonly IReadOnlyDictionary<string, (string Description, Func<string, Flow?, FaultRequest, FaultContext, Dictionary<string, string[]>, IFault> Create)> Types =
        new Dictionary<string, (string, Func<string, Flow?, FaultRequest, FaultContext, Dictionary<string, string[]>, IFault>)>
        {
            [Down.TypeName] = ("the site is down: new links are reset, open ones dropped", (n, _, _, _, _) => new Down(n)),
            [Latency.TypeName] = ("adds latency ± jitter (ms) to each chunk", Latency.Create),
            [Bandwidth.TypeName] = ("limits the rate to 'rate' KB/s", Bandwidth.Create),
            [Timeout.TypeName] = ("stops data; closes the link after 'timeout' ms (0: never)", Timeout.Create),
            [ResetPeer.TypeName] = ("resets the link (TCP RST) 'timeout' ms after it carries data", ResetPeer.Create),
            [FailPrepare.TypeName] = ("the next PREPARE TRANSACTION fails: the site votes no", (n, _, _, c, _) => new FailPrepare(n, c.Registry)),
            [DropAfterPrepare.TypeName] = ("drops the link right after the site acknowledges the next PREPARE", (n, _, _, c, _) => new DropAfterPrepare(n, c.Registry)),
            [DropBeforeCommitPrepared.TypeName] = ("drops the link when the next COMMIT PREPARED arrives, before the node sees it", (n, _, _, c, _) => new DropBeforeCommitPrepared(n, c.Registry)),
            [Slicer.TypeName] = ("relays in writes of 'average_size' ± 'size_variation' bytes, 'delay' µs apart", Slicer.Create),
            [LimitData.TypeName] = ("closes a link once it has carried 'bytes' bytes on the stream", LimitData.Create),
            [SlowClose.TypeName] = ("when the sender closes, the link closes 'delay' ms later", SlowClose.Create),
            [CrashNode.TypeName] = ("kills this site's node at a 2PC moment ('at': prepare, prepared, commit_prepared)", CrashNode.Create),
            [CrashCoordinator.TypeName] = ("kills the coordinator's node when this site's PREPARE is answered ('at': prepared — before the commit record) or its COMMIT PREPARED arrives ('at': commit_prepared — after)", CrashCoordinator.Create),
        };

    public static IFault? TryCreate(FaultRequest request, FaultContext context, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var type = request.Type?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type) || !Types.TryGetValue(type, out var entry))
        {
            errors["type"] = [$"must be one of: {string.Join(", ", Types.Keys)}"];
            return null;
        }

        if (request.Stream is { } stream && request.Flow is null)
        {
            errors["stream"] = ["must be 'upstream' (client → node) or 'downstream' (node → client)"];
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? $"{type}_{request.Stream?.ToLowerInvariant() ?? "both"}" : request.Name.Trim();
        if (name.Length > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            errors["name"] = ["must be 1 to 64 letters, digits, '_' or '-'"];
        }

        var fault = entry.Create(name, request.Flow ?? Flow.Downstream, request, context, errors);
        if (request.Toxicity is { } toxicity)
        {
            if (toxicity is < 0 or > 1 || double.IsNaN(toxicity))
            {
                errors["toxicity"] = ["must be from 0 to 1: the share of links the fault acts on"];
            }
            else if (!fault.AllowsConnection)
            {
                errors["toxicity"] = [$"does not apply to '{type}', which refuses every new link"];
            }
            else if (toxicity < 1)
            {
                fault = new Toxicity(fault, toxicity);
            }
        }

        return errors.Count == 0 ? fault : null;
    }
}
