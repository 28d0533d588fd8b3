namespace MediAI.SiteAgents.Protocol;

/// <summary>What <see cref="FrameReader"/> found next in the bytes.</summary>
public enum FrameKind
{
    /// <summary>Not enough bytes for the next step: read more, then ask again from the same position.</summary>
    NeedMore,

    /// <summary>A message begins: its header and the first bytes of its body worth reading are in <see cref="Frame.Message"/>. Nothing is consumed yet.</summary>
    Message,

    /// <summary><see cref="Frame.Length"/> bytes of the current message (header included) to pass on, or to drop, as was decided for it.</summary>
    Bytes,
}

/// <summary>One step of reading a direction's byte stream; see <see cref="FrameReader"/>.</summary>
public readonly struct Frame
{
    private Frame(FrameKind kind, PgMessage message, long length)
    {
        Kind = kind;
        Message = message;
        Length = length;
    }

    public static Frame NeedMore => default;

    public FrameKind Kind { get; }

    /// <summary>For <see cref="FrameKind.Message"/>: valid until the buffer it was read from is released.</summary>
    public PgMessage Message { get; }

    /// <summary>For <see cref="FrameKind.Bytes"/>: how many bytes, from the position the frame was read at.</summary>
    public long Length { get; }

    public static Frame Of(PgMessage message) => new(FrameKind.Message, message, 0);

    public static Frame Bytes(long length) => new(FrameKind.Bytes, default, length);

    public override string ToString() => Kind switch
    {
        FrameKind.Message => $"message {Message}",
        FrameKind.Bytes => $"{Length} bytes",
        _ => "need more",
    };
}
