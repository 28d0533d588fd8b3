using System.Buffers;
using System.Text;

namespace MediAI.SiteAgents.Protocol;

/// <summary>Which way a message travels: Toxiproxy's words, from the node's point of view.</summary>
public enum Flow
{
    /// <summary>Client (psql, Npgsql, another Citus node) → this site's node.</summary>
    Upstream,

    /// <summary>This site's node → client.</summary>
    Downstream,
}

/// <summary>
/// One PostgreSQL protocol message as the gateway sees it: its type, its declared length, and the
/// first bytes of its body (up to <see cref="MessageFramer.InspectLimit"/>; the rest is relayed
/// without being looked at). Valid only during the callback that receives it: the bytes belong
/// to the pipe.
/// </summary>
public readonly struct PgMessage(Flow flow, char type, int startupCode, int length, ReadOnlySequence<byte> body, bool truncated)
{
    /// <summary>The startup packet family has no type byte: <see cref="Type"/> is '\0' and <see cref="StartupCode"/> says which.</summary>
    public const char Untyped = '\0';

    public Flow Flow { get; } = flow;
    public char Type { get; } = type;
    public int StartupCode { get; } = startupCode;

    /// <summary>The length field's value (includes itself, not the type byte).</summary>
    public int Length { get; } = length;

    public ReadOnlySequence<byte> Body { get; } = body;

    /// <summary>True when only the first bytes of a long body are in <see cref="Body"/>.</summary>
    public bool Truncated { get; } = truncated;

    public bool IsSslRequest => Type == Untyped && StartupCode == MessageFramer.SslRequestCode;
    public bool IsGssEncRequest => Type == Untyped && StartupCode == MessageFramer.GssEncRequestCode;
    public bool IsStartup => Type == Untyped && StartupCode == MessageFramer.ProtocolVersion3;

    /// <summary>The first NUL-terminated string of the body, after skipping <paramref name="skipStrings"/> strings.</summary>
    public string CString(int skipStrings = 0)
    {
        var reader = new SequenceReader<byte>(Body);
        for (var i = 0; i < skipStrings; i++)
        {
            if (!reader.TryAdvanceTo(0))
            {
                return "";
            }
        }

        return reader.TryReadTo(out ReadOnlySequence<byte> text, 0)
            ? Encoding.UTF8.GetString(text)
            : Encoding.UTF8.GetString(reader.UnreadSequence); // cut at InspectLimit
    }

    /// <summary>Query ('Q'): the SQL text.</summary>
    public string QueryText => CString();

    /// <summary>Parse ('P'): statement name, then the SQL text.</summary>
    public (string Statement, string Sql) ParseText => (CString(), CString(1));

    /// <summary>Bind ('B'): portal name, then statement name.</summary>
    public (string Portal, string Statement) BindNames => (CString(), CString(1));

    /// <summary>BackendKeyData ('K'): the backend's process id (0 if the body is short).</summary>
    public int BackendPid
    {
        get
        {
            var reader = new SequenceReader<byte>(Body);
            return reader.TryReadBigEndian(out int pid) ? pid : 0;
        }
    }

    /// <summary>ErrorResponse / NoticeResponse: field code → value (S, V, C, M, D, H …).</summary>
    public Dictionary<char, string> Fields()
    {
        var fields = new Dictionary<char, string>();
        var reader = new SequenceReader<byte>(Body);
        while (reader.TryRead(out var code) && code != 0)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
            {
                break;
            }

            fields[(char)code] = Encoding.UTF8.GetString(value);
        }

        return fields;
    }

    /// <summary>Startup message: parameter name → value (user, database, application_name).</summary>
    public Dictionary<string, string> StartupParameters()
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new SequenceReader<byte>(Body);
        reader.Advance(4); // protocol version
        while (reader.TryReadTo(out ReadOnlySequence<byte> name, 0) && name.Length > 0)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
            {
                break;
            }

            parameters[Encoding.UTF8.GetString(name)] = Encoding.UTF8.GetString(value);
        }

        return parameters;
    }

    public override string ToString() => Type == Untyped ? $"startup({StartupCode}, {Length} bytes)" : $"'{Type}' ({Length} bytes)";
}
