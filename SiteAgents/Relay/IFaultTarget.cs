namespace MediAI.SiteAgents.Relay;

/// <summary>What a fault may do to the connection it acts on.</summary>
public interface IFaultTarget
{
    string Site { get; }
    long ConnectionId { get; }

    /// <summary>Sends bytes to the client, in order with what the node sends.</summary>
    ValueTask ReplyToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
