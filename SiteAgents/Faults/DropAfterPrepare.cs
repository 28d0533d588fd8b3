using System.Collections.Concurrent;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "drop_after_prepare": the next time this site acknowledges PREPARE TRANSACTION, the
/// acknowledgement reaches the coordinator and then the link drops — the coordinator decides
/// to commit, but its COMMIT PREPARED cannot reach the site: an in-doubt transaction.
/// </summary>
public sealed class DropAfterPrepare(string name, FaultRegistry registry) : IFault
{
    public const string TypeName = "drop_after_prepare";
    private readonly ConcurrentDictionary<long, bool> _armed = new();

    public string Name => name;
    public string Type => TypeName;
    public Flow? Flow => Protocol.Flow.Downstream;
    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();

    public ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken)
    {
        if (message.Type == BackendCode.CommandComplete && message.CString() == TwoPhaseStep.Prepare)
        {
            _armed[target.ConnectionId] = true;
        }
        else if (message.Type == BackendCode.ReadyForQuery && _armed.TryRemove(target.ConnectionId, out _))
        {
            // After ReadyForQuery, so the client has the whole acknowledgement.
            registry.RemoveInstance(this);
            return ValueTask.FromResult(Verdict.ForwardThenClose);
        }

        return ValueTask.FromResult(Verdict.Forward);
    }
}
