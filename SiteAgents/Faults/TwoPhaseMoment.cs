using System.Collections.Concurrent;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// A moment of two-phase commit on a link, as the crash faults name it ('at'):
/// <list type="bullet">
/// <item>"prepare": PREPARE TRANSACTION arrives, before the node sees it (nothing prepared yet);</item>
/// <item>"prepared": the node has prepared (its answer is on the wire, durable on its disk) and
/// the coordinator has not heard it — so has not written its commit record;</item>
/// <item>"commit_prepared": COMMIT PREPARED arrives, before the node sees it — the coordinator's
/// commit record is written (it decided), the node does not know yet.</item>
/// </list>
/// It reads the link's messages; the fault acts on the one that reaches the moment (it is not relayed).
/// </summary>
public sealed class TwoPhaseMoment
{
    public const string Prepare = "prepare";
    public const string Prepared = "prepared";
    public const string CommitPrepared = "commit_prepared";

    // The gid each link is preparing, from its PREPARE to the answer.
    private readonly ConcurrentDictionary<long, string> _preparing = new();

    private TwoPhaseMoment(string name) => Name = name;

    public string Name { get; }

    /// <summary>The gid whose moment this message is, or null.</summary>
    public string? Reached(PgMessage message, IFaultTarget target)
    {
        if (message.Type == FrontendCode.Query && message.Flow == Flow.Upstream && TwoPhaseStep.Match(message.QueryText) is { } step)
        {
            if (step.Step == TwoPhaseStep.Prepare)
            {
                _preparing[target.ConnectionId] = step.Gid;
            }

            return (Name, step.Step) is (Prepare, TwoPhaseStep.Prepare) or (CommitPrepared, TwoPhaseStep.CommitPrepared) ? step.Gid : null;
        }

        if (Name == Prepared && message.Flow == Flow.Downstream && message.Type == BackendCode.CommandComplete
            && message.CString() == TwoPhaseStep.Prepare && _preparing.TryRemove(target.ConnectionId, out var gid))
        {
            return gid;
        }

        return null;
    }

    /// <summary>The 'at' attribute, one of <paramref name="allowed"/> (the first is the default).</summary>
    public static TwoPhaseMoment From(FaultRequest request, string[] allowed, Dictionary<string, string[]> errors)
    {
        var at = request.Attributes?.TryGetValue("at", out var value) == true ? value.ToString().Trim().ToLowerInvariant() : allowed[0];
        if (!allowed.Contains(at))
        {
            errors["attributes.at"] = [$"must be one of: {string.Join(", ", allowed)}"];
        }

        return new TwoPhaseMoment(at);
    }
}
