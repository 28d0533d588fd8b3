using System.Buffers;
using System.Buffers.Binary;

namespace MediAI.SiteAgents.Protocol;

/// <summary>A message the gateway refuses to relay: the connection is closed with this reason.</summary>
public sealed class ProtocolViolationException(string message) : Exception(message);

/// <summary>
/// Reads message headers off the byte stream: a type byte and an Int32 length (the length counts
/// itself), or for the startup family no type byte, an Int32 length and an Int32 code.
/// </summary>
public static class MessageFramer
{
    public const int ProtocolVersion3 = 196608;
    public const int SslRequestCode = 80877103;
    public const int GssEncRequestCode = 80877104;
    public const int CancelRequestCode = 80877102;

    /// <summary>PostgreSQL's own limit for a startup packet.</summary>
    public const int MaxStartupLength = 10_000;

    /// <summary>PostgreSQL never sends or accepts a message of 1 GiB or more.</summary>
    public const int MaxMessageLength = 0x3FFF_FFFF;

    /// <summary>How much of a message body is looked at; the rest is relayed unread.</summary>
    public const int InspectLimit = 16 * 1024;

    /// <summary>
    /// The header at the start of <paramref name="buffer"/>, or false when more bytes are needed.
    /// Throws <see cref="ProtocolViolationException"/> for lengths no PostgreSQL peer would send.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySequence<byte> buffer, bool startup, out char type, out int length, out int startupCode, out int headerSize)
    {
        type = PgMessage.Untyped;
        startupCode = 0;
        length = 0;
        headerSize = startup ? 8 : 5;
        if (buffer.Length < headerSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[8];
        buffer.Slice(0, headerSize).CopyTo(header);
        if (startup)
        {
            length = BinaryPrimitives.ReadInt32BigEndian(header);
            startupCode = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
            if (length < 8 || length > MaxStartupLength)
            {
                throw new ProtocolViolationException($"startup packet length {length} is outside 8..{MaxStartupLength}");
            }

            if (startupCode is not (ProtocolVersion3 or SslRequestCode or GssEncRequestCode or CancelRequestCode))
            {
                throw new ProtocolViolationException($"unknown startup code {startupCode} (not PostgreSQL protocol 3.0)");
            }

            return true;
        }

        type = (char)header[0];
        length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);
        if (length < 4 || length > MaxMessageLength)
        {
            throw new ProtocolViolationException($"message '{Printable(type)}' declares length {length}, outside 4..{MaxMessageLength}");
        }

        if (!char.IsAsciiLetter(type) && type is not ('1' or '2' or '3'))
        {
            throw new ProtocolViolationException($"byte 0x{(int)type:X2} is not a PostgreSQL message type");
        }

        return true;
    }

    private static string Printable(char c) => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"0x{(int)c:X2}";
}
