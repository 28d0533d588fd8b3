using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "fail_prepare": the next PREPARE TRANSACTION sent to this site is answered with an error
/// instead of reaching the node — the site votes no, and the coordinator must roll back
/// everywhere. The node's transaction stays open until the coordinator's ROLLBACK arrives.
/// </summary>
public sealed class FailPrepare(string name, FaultRegistry registry) : IFault
{
    public const string TypeName = "fail_prepare";

    /// <summary>SQLSTATE of the injected vote: transaction_rollback.</summary>
    public const string SqlState = "40000";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => Protocol.Flow.Upstream;
    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();

    public async ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken)
    {
        if (message.Type != FrontendCode.Query || TwoPhaseStep.Match(message.QueryText) is not { Step: TwoPhaseStep.Prepare } step)
        {
            return Verdict.Forward;
        }

        registry.RemoveInstance(this);
        await target.ReplyToClientAsync(
            BackendMessages.ErrorInFailedTransaction(SqlState, $"fault injected at site {target.Site}: it votes NO on PREPARE TRANSACTION '{step.Gid}'"),
            cancellationToken);
        return Verdict.Swallow;
    }
}
