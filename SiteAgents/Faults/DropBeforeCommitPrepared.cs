using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>"drop_before_commit_prepared": the next COMMIT PREPARED for this site is lost with its link; the prepared transaction waits, in doubt.</summary>
public sealed class DropBeforeCommitPrepared(string name, FaultRegistry registry) : IFault
{
    public const string TypeName = "drop_before_commit_prepared";

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => Protocol.Flow.Upstream;
    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();

    public ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken)
    {
        if (message.Type != FrontendCode.Query || TwoPhaseStep.Match(message.QueryText) is not { Step: TwoPhaseStep.CommitPrepared })
        {
            return ValueTask.FromResult(Verdict.Forward);
        }

        registry.RemoveInstance(this);
        return ValueTask.FromResult(Verdict.Close);
    }
}
