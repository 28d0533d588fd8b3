using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "delay_commit_prepared": the next (with 'every', each) COMMIT PREPARED for this site waits 'delay'
/// ms before the node sees it. The coordinator has decided and the other sites commit meanwhile:
/// for that long, this site's part of a committed transaction is not visible yet (a fractured read).
/// </summary>
public sealed class DelayCommitPrepared(string name, int delayMs, bool every, FaultRegistry registry)
    : TwoPhaseHold(name, TwoPhaseStep.CommitPrepared, delayMs, every, registry)
{
    public const string TypeName = "delay_commit_prepared";

    public override string Type => TypeName;

    public static DelayCommitPrepared Create(string name, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors)
    {
        var (delay, every) = Settings(request, errors);
        return new DelayCommitPrepared(name, delay, every, context.Registry);
    }
}
