using MediAI.SiteAgents.Node;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// What the crash faults share: at their 2PC moment, once, a node is killed while the message that
/// reached the moment is held; then the link closes without it (its sender's node is gone, or is
/// about to see its link die, as after a real crash). The fault is removed once it fired.
/// </summary>
public abstract class CrashFault(string name, TwoPhaseMoment moment, FaultContext context) : IFault
{
    private int _fired;

    public string Name => name;
    public abstract string Type { get; }

    // Both flows: a moment may be a question (PREPARE, COMMIT PREPARED) or an answer (prepared).
    public Flow? Flow => null;
    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["at"] = moment.Name };

    /// <summary>Kills the fault's node.</summary>
    protected abstract Task KillAsync(NodeCrashes crashes, NodeCrash why);

    public async ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken)
    {
        if (moment.Reached(message, target) is not { } gid || Interlocked.Exchange(ref _fired, 1) == 1)
        {
            return Verdict.Forward;
        }

        context.Registry.RemoveInstance(this);
        try
        {
            await KillAsync(context.Crashes, new NodeCrash($"{Type} at {target.Site}", moment.Name, gid));
        }
        catch (NodeControlException)
        {
            // Logged and traced by NodeCrashes; the link still closes, as the fault promised.
        }

        return Verdict.Close;
    }
}
