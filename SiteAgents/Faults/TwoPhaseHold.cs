using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// What the message-aware delays share: one step of two-phase commit (PREPARE TRANSACTION, COMMIT
/// PREPARED) held for 'delay' ms on its way to this site's node — the next one, or with 'every'
/// each one. The link waits meanwhile, as a slow WAN hop would, so the other sites go ahead: the
/// window in which a reader sees one site committed and another not becomes long and repeatable.
/// A held message never outlives its fault or its link: removed (heal, one-shot done, reset), the
/// fault releases what it holds at once; a link that drops takes its held message with it.
/// </summary>
public abstract class TwoPhaseHold(string name, string step, int delayMs, bool every, FaultRegistry registry) : IFault, IDisposable
{
    public const int DefaultDelayMs = 3_000;
    public const int MaxDelayMs = 60_000;

    private readonly CancellationTokenSource _removed = new();
    private int _claimed;

    public string Name => name;
    public abstract string Type { get; }
    public Flow? Flow => Protocol.Flow.Upstream;

    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object> { ["delay"] = delayMs, ["every"] = every };

    public async ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken)
    {
        if (message.Type != FrontendCode.Query || TwoPhaseStep.Match(message.QueryText) is not { } match || match.Step != step
            || (!every && Interlocked.Exchange(ref _claimed, 1) == 1) || _removed.IsCancellationRequested)
        {
            return Verdict.Forward;
        }

        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _removed.Token);
        try
        {
            await Task.Delay(delayMs, hold.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The fault was removed while holding: the message goes on now.
        }
        finally
        {
            // A one-shot hold is spent, whether its message went on or its link dropped meanwhile.
            if (!every)
            {
                registry.RemoveInstance(this);
            }
        }

        return Verdict.Forward;
    }

    /// <summary>Called by the registry when the fault is removed: whatever it holds is released.</summary>
    public void Dispose()
    {
        _removed.Cancel();
        GC.SuppressFinalize(this);
    }

    /// <summary>'delay' (0–60,000 ms, default 3,000) and 'every' (a boolean, default false) from a request.</summary>
    protected static (int DelayMs, bool Every) Settings(FaultRequest request, Dictionary<string, string[]> errors) =>
        (request.WholeNumber("delay", DefaultDelayMs, 0, MaxDelayMs, errors), request.Boolean("every", false, errors));
}
