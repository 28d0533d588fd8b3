using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// The faults active at this site. Connections read an immutable snapshot per message, so adding
/// or removing a fault never blocks traffic. The relay sees it only as an <see cref="IFaultSource"/>
/// (both are registered in DI, as one instance); the HTTP API adds and removes through it.
/// </summary>
public sealed class FaultRegistry : IFaultSource
{
    private readonly object _gate = new();
    private IFault[] _faults = [];

    /// <summary>Raised after a fault is added (e.g. "down" closes the open connections).</summary>
    public event Action<IFault>? Added;

    public IReadOnlyList<IFault> Snapshot => Volatile.Read(ref _faults);

    /// <summary>Adds a fault; false when one with that name exists already.</summary>
    public bool TryAdd(IFault fault)
    {
        lock (_gate)
        {
            if (_faults.Any(f => f.Name == fault.Name))
            {
                return false;
            }

            _faults = [.. _faults, fault];
        }

        Added?.Invoke(fault);
        return true;
    }

    public bool Remove(string name) => RemoveWhere(f => f.Name == name) > 0;

    /// <summary>Removes a one-shot fault once it has acted (only that instance, or the <see cref="Toxicity"/> that wraps it).</summary>
    public void RemoveInstance(IFault fault) => RemoveWhere(f => ReferenceEquals(f, fault) || (f is Toxicity t && ReferenceEquals(t.Inner, fault)));

    public int Clear() => RemoveWhere(_ => true);

    /// <summary>Takes the faults out of the snapshot, then lets each go (a held message is released: <see cref="TwoPhaseHold"/>).</summary>
    private int RemoveWhere(Func<IFault, bool> match)
    {
        IFault[] removed;
        lock (_gate)
        {
            removed = _faults.Where(match).ToArray();
            _faults = _faults.Where(f => !match(f)).ToArray();
        }

        foreach (var fault in removed.OfType<IDisposable>())
        {
            fault.Dispose();
        }

        return removed.Length;
    }
}
