using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>Builds a fault from a request; says which field is wrong when it cannot.</summary>
public static class FaultCatalog
{
    private const bool OnStream = true;
    private const bool WholeLink = false;

    /// <summary>Each type, what it does, whether it acts on the stream asked for, and how to build it (one file per fault type).</summary>
    public static readonly IReadOnlyDictionary<string, FaultType> Types =
        new Dictionary<string, FaultType>
        {
            [Down.TypeName] = new("the site is down: new links are reset, open ones dropped", WholeLink, (n, _, _, _, _) => new Down(n)),
            [Latency.TypeName] = new("adds latency ± jitter (ms) to each chunk", OnStream, Latency.Create),
            [Bandwidth.TypeName] = new("limits the rate to 'rate' KB/s", OnStream, Bandwidth.Create),
            [Timeout.TypeName] = new("stops data; closes the link after 'timeout' ms (0: never)", OnStream, Timeout.Create),
            [ResetPeer.TypeName] = new("resets the link (TCP RST) 'timeout' ms after it carries data", OnStream, ResetPeer.Create),
            [FailPrepare.TypeName] = new("the next PREPARE TRANSACTION fails: the site votes no", WholeLink, (n, _, _, c, _) => new FailPrepare(n, c.Registry)),
            [DropAfterPrepare.TypeName] = new("drops the link right after the site acknowledges the next PREPARE", WholeLink, (n, _, _, c, _) => new DropAfterPrepare(n, c.Registry)),
            [DropBeforeCommitPrepared.TypeName] = new("drops the link when the next COMMIT PREPARED arrives, before the node sees it", WholeLink, (n, _, _, c, _) => new DropBeforeCommitPrepared(n, c.Registry)),
            [DelayPrepare.TypeName] = new("holds the next PREPARE TRANSACTION ('every': each) 'delay' ms before the node sees it", WholeLink, (n, _, r, c, e) => DelayPrepare.Create(n, r, c, e)),
            [DelayCommitPrepared.TypeName] = new("holds the next COMMIT PREPARED ('every': each) 'delay' ms before the node sees it: the other sites commit first", WholeLink, (n, _, r, c, e) => DelayCommitPrepared.Create(n, r, c, e)),
            [Slicer.TypeName] = new("relays in writes of 'average_size' ± 'size_variation' bytes, 'delay' µs apart", OnStream, Slicer.Create),
            [LimitData.TypeName] = new("closes a link once it has carried 'bytes' bytes on the stream", OnStream, LimitData.Create),
            [SlowClose.TypeName] = new("when the sender closes, the link closes 'delay' ms later", OnStream, SlowClose.Create),
            [CrashNode.TypeName] = new("kills this site's node at a 2PC moment ('at': prepare, prepared, commit_prepared)", WholeLink, CrashNode.Create),
            [CrashCoordinator.TypeName] = new("kills the coordinator's node when this site's PREPARE is answered ('at': prepared — before the commit record) or its COMMIT PREPARED arrives ('at': commit_prepared — after)", WholeLink, CrashCoordinator.Create),
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

        // Toxiproxy's default stream; a fault acting on it is named after it (latency_downstream), one
        // acting on the whole link or at a 2PC moment after its type alone (down, fail_prepare).
        var flow = request.Flow ?? Flow.Downstream;
        var name = !string.IsNullOrWhiteSpace(request.Name) ? request.Name.Trim()
            : entry.OnStream ? $"{type}_{flow.ToString().ToLowerInvariant()}"
            : type;
        if (name.Length > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            errors["name"] = ["must be 1 to 64 letters, digits, '_' or '-'"];
        }

        var fault = entry.Create(name, flow, request, context, errors);
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

/// <summary>One type of fault in the catalog.</summary>
/// <param name="Description">What it does.</param>
/// <param name="OnStream">It acts on the stream asked for (upstream or downstream, Toxiproxy's "stream"), not on the whole link or at a fixed protocol moment.</param>
/// <param name="Create">Builds it from a request: its name, the stream, the request, the site's context; wrong fields go into the errors.</param>
public sealed record FaultType(
    string Description, bool OnStream, Func<string, Flow?, FaultRequest, FaultContext, Dictionary<string, string[]>, IFault> Create);
