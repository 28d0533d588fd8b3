namespace MediAI.SiteAgents.Protocol;

/// <summary>
/// The PostgreSQL protocol's message type bytes the gateway reads, named once (as Npgsql's
/// FrontendMessageCode / BackendMessageCode do). The same letter means different things in each
/// direction: 'E' is Execute from a client and ErrorResponse from a server.
/// </summary>
public static class FrontendCode
{
    public const char Query = 'Q';
    public const char Parse = 'P';
    public const char Bind = 'B';
    public const char Execute = 'E';
}

/// <inheritdoc cref="FrontendCode"/>
public static class BackendCode
{
    public const char CommandComplete = 'C';
    public const char ErrorResponse = 'E';
    public const char ReadyForQuery = 'Z';
    public const char NoticeResponse = 'N';

    /// <summary>The client's backend pid and cancel key, once at startup: how a client's statements are told apart at the nodes (Citus's gpid).</summary>
    public const char BackendKeyData = 'K';
}

/// <summary>Field codes of ErrorResponse / NoticeResponse.</summary>
public static class ErrorField
{
    public const char Severity = 'S';
    public const char SeverityNonLocalized = 'V';
    public const char SqlState = 'C';
    public const char Message = 'M';
    public const char Hint = 'H';
}

/// <summary>ReadyForQuery's transaction status byte.</summary>
public static class TransactionStatus
{
    public const byte Idle = (byte)'I';
    public const byte InTransaction = (byte)'T';
    public const byte Failed = (byte)'E';
}
