using System.Buffers.Binary;
using System.Text;

namespace MediAI.SiteAgents.Protocol;

/// <summary>The few messages the gateway writes itself, on the node's behalf.</summary>
public static class BackendMessages
{
    /// <summary>The one-byte answer to SSLRequest/GSSENCRequest: "no", go on in clear text.</summary>
    public static readonly byte[] EncryptionRefused = "N"u8.ToArray();

    /// <summary>ErrorResponse (severity ERROR) followed by ReadyForQuery in a failed transaction.</summary>
    public static byte[] ErrorInFailedTransaction(string sqlState, string message)
    {
        var error = ErrorResponse("ERROR", sqlState, message, hint: null);
        var bytes = new byte[error.Length + 6];
        error.CopyTo(bytes, 0);
        bytes[error.Length] = (byte)BackendCode.ReadyForQuery;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(error.Length + 1), 5);
        bytes[error.Length + 5] = TransactionStatus.Failed;
        return bytes;
    }

    /// <summary>
    /// ErrorResponse (severity FATAL) answering a startup: psql prints it as
    /// "connection to server … failed: FATAL: message" plus "HINT: hint", and gives up.
    /// </summary>
    public static byte[] FatalAtStartup(string sqlState, string message, string hint) => ErrorResponse("FATAL", sqlState, message, hint);

    /// <summary>ErrorResponse (severity ERROR) alone: the node's own ReadyForQuery follows.</summary>
    public static byte[] Error(string sqlState, string message, string hint) => ErrorResponse("ERROR", sqlState, message, hint);

    /// <summary>NoticeResponse (severity NOTICE, SQLSTATE 00000): psql prints "NOTICE:  message", Npgsql raises Notice, JDBC adds a warning.</summary>
    public static byte[] Notice(string message)
    {
        var bytes = ErrorResponse("NOTICE", "00000", message, hint: null);
        bytes[0] = (byte)BackendCode.NoticeResponse;
        return bytes;
    }

    private static byte[] ErrorResponse(string severity, string sqlState, string message, string? hint)
    {
        var fields = new StringBuilder()
            .Append(ErrorField.Severity).Append(severity).Append('\0')
            .Append(ErrorField.SeverityNonLocalized).Append(severity).Append('\0')
            .Append(ErrorField.SqlState).Append(sqlState).Append('\0')
            .Append(ErrorField.Message).Append(message).Append('\0');
        if (hint is not null)
        {
            fields.Append(ErrorField.Hint).Append(hint).Append('\0');
        }

        var body = Encoding.UTF8.GetBytes(fields.Append('\0').ToString());
        var bytes = new byte[1 + 4 + body.Length];
        bytes[0] = (byte)BackendCode.ErrorResponse;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), 4 + body.Length);
        body.CopyTo(bytes, 5);
        return bytes;
    }
}
