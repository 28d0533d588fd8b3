namespace MediAI.Coordinator.Campaign;

/// <summary>What the client was told about a transfer's COMMIT.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<TransferOutcome>))]
public enum TransferOutcome
{
    /// <summary>COMMIT answered success: the transfer must be there, whole (durability).</summary>
    Acknowledged,

    /// <summary>An error before COMMIT was sent, or a vote no: the transfer must not be there at all.</summary>
    Aborted,

    /// <summary>The connection died while COMMIT was out: either whole or absent is right, never half.</summary>
    Indeterminate,
}

/// <summary>
/// One transfer of a campaign's history: an amount moved from an account at one site to an account
/// at another, in one distributed transaction, with the fault that hit it (or "none").
/// </summary>
/// <param name="InDoubtBeforeRecovery">A site still held it prepared when the faults were healed, before recovery ran.</param>
public sealed record TransferAttempt(
    long Id,
    string FromSite,
    string ToSite,
    decimal Amount,
    TransferOutcome Outcome,
    string FaultKind,
    bool InDoubtBeforeRecovery = false);
