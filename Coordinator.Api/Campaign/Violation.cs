namespace MediAI.Coordinator.Campaign;

/// <summary>The invariants a campaign checks.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ViolationKind>))]
public enum ViolationKind
{
    /// <summary>One leg of a transfer without the other (atomicity).</summary>
    HalfApplied,

    /// <summary>COMMIT said success, and the transfer is not there (durability).</summary>
    AcknowledgedLost,

    /// <summary>The client was told it failed before COMMIT, and it happened anyway.</summary>
    AbortedButApplied,

    /// <summary>The campaign accounts hold more or less money than they started with.</summary>
    MoneyNotConserved,

    /// <summary>A transaction still prepared at a site after recovery.</summary>
    PreparedLeftBehind,
}

/// <summary>One broken invariant, with what shows it.</summary>
/// <param name="TransferId">The transfer it concerns, when it concerns one.</param>
public sealed record Violation(ViolationKind Kind, string Detail, long? TransferId = null, string? FaultKind = null);
