using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "delay_prepare": the next (with 'every', each) PREPARE TRANSACTION for this site waits 'delay' ms
/// before the node sees it: the other sites have prepared and hold their rows' locks meanwhile (the
/// cost of the slowest voter), and nothing is committed anywhere yet.
/// </summary>
public sealed class DelayPrepare(string name, int delayMs, bool every, FaultRegistry registry)
    : TwoPhaseHold(name, TwoPhaseStep.Prepare, delayMs, every, registry)
{
    public const string TypeName = "delay_prepare";

    public override string Type => TypeName;

    public static DelayPrepare Create(string name, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors)
    {
        var (delay, every) = Settings(request, errors);
        return new DelayPrepare(name, delay, every, context.Registry);
    }
}
