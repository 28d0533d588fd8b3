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
        var fields = new StringBuilder()
            .Append('S').Append("ERROR").Append('\0')
            .Append('V').Append("ERROR").Append('\0')
            .Append('C').Append(sqlState).Append('\0')
            .Append('M').Append(message).Append('\0')
            .Append('\0')
            .ToString();
        var body = Encoding.UTF8.GetBytes(fields);
        var bytes = new byte[1 + 4 + body.Length + 6];
        bytes[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), 4 + body.Length);
        body.CopyTo(bytes, 5);
        var ready = 5 + body.Length;
        bytes[ready] = (byte)'Z';
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(ready + 1), 5);
        bytes[ready + 5] = (byte)'E';
        return bytes;
    }
}
