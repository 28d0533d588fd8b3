using System.Buffers.Binary;
using System.Text;
using MediAI.SiteAgents.Protocol;

namespace MediAI.Labs.Tests.Protocol;

/// <summary>PostgreSQL messages as bytes on the wire, built by hand for the framing tests.</summary>
public static class WireBytes
{
    /// <summary>Message types the gateway relays without reading (so MessageCodes does not name them).</summary>
    public const char Sync = 'S', CopyData = 'd', DataRow = 'D', Authentication = 'R';

    public static byte[] Startup(params string[] pairs) => StartupPacket(MessageFramer.ProtocolVersion3, Encoding.UTF8.GetBytes(string.Concat(pairs.Select(p => p + "\0")) + "\0"));

    /// <summary>SSLRequest, GSSENCRequest, CancelRequest (with its 8 bytes of process id and key), or a startup packet of another protocol version.</summary>
    public static byte[] StartupPacket(int code, byte[] body)
    {
        var bytes = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), code);
        body.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Message(char type, string body) => Message(type, Encoding.UTF8.GetBytes(body));

    public static byte[] Message(char type, byte[] body)
    {
        var bytes = new byte[5 + body.Length];
        bytes[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), 4 + body.Length);
        body.CopyTo(bytes, 5);
        return bytes;
    }

    /// <summary>A header alone, declaring <paramref name="length"/> (no body follows).</summary>
    public static byte[] Header(char type, int length)
    {
        var bytes = new byte[5];
        bytes[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), length);
        return bytes;
    }

    /// <summary>A client's first messages: startup, a simple query, an extended-protocol round, and a COPY chunk larger than the inspect limit.</summary>
    public static readonly byte[][] ClientMessages =
    [
        Startup("user", "postgres", "database", "mediAI", "application_name", "citus_internal gpid=10000006351"),
        Message(FrontendCode.Query, "BEGIN;SET LOCAL mediai.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';\0"),
        Message(FrontendCode.Parse, "s1\0SELECT count(*) FROM public.patients_102149\0\0\0"),
        Message(FrontendCode.Bind, "\0s1\0\0\0\0\0\0\0"),
        Message(FrontendCode.Execute, "\0\0\0\0\0"),
        Message(Sync, ""),
        Message(CopyData, new byte[MessageFramer.InspectLimit + 3_000]),
        Message(FrontendCode.Query, "PREPARE TRANSACTION 'citus_0_30489_4_3'\0"),
    ];

    /// <summary><see cref="ClientMessages"/> as one stream.</summary>
    public static readonly byte[] ClientStream = [.. ClientMessages.SelectMany(m => m)];

    /// <summary>The message types in <see cref="ClientStream"/>, in order.</summary>
    public static readonly char[] ClientStreamTypes =
        [PgMessage.Untyped, FrontendCode.Query, FrontendCode.Parse, FrontendCode.Bind, FrontendCode.Execute, Sync, CopyData, FrontendCode.Query];
}
