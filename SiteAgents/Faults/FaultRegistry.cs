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

    public bool Remove(string name)
    {
        lock (_gate)
        {
            var kept = _faults.Where(f => f.Name != name).ToArray();
            var removed = kept.Length != _faults.Length;
            _faults = kept;
            return removed;
        }
    }

    /// <summary>Removes a one-shot fault once it has acted (only that instance).</summary>
    public void RemoveInstance(IFault fault)
    {
        lock (_gate)
        {
            _faults = _faults.Where(f => !ReferenceEquals(f, fault)).ToArray();
        }
    }

    public int Clear()
    {
        lock (_gate)
        {
            var count = _faults.Length;
            _faults = [];
            return count;
        }
    }
}
