using System.Buffers;
using MediAI.SiteAgents.Protocol;
using static MediAI.Labs.Tests.Protocol.WireBytes;

namespace MediAI.Labs.Tests.Protocol;

/// <summary>
/// The frame reader alone, on byte sequences: the same frames however the bytes are cut (between
/// reads, or between the segments of one buffer), every byte passed exactly once and in order,
/// only what tracing and faults read waited for, lengths at PostgreSQL's limits, and garbage.
/// </summary>
public sealed class FrameReaderTests
{
    private sealed record Seen(char Type, int StartupCode, int Length, bool Truncated, long BodyLength, string Text)
    {
        public static Seen Of(PgMessage m) => new(m.Type, m.StartupCode, m.Length, m.Truncated, m.Body.Length,
            m.IsStartup ? string.Join(",", m.StartupParameters()) : m.Body.IsEmpty ? "" : m.CString());
    }

    /// <summary>Frames read from <paramref name="buffer"/> until more bytes are needed; answers where they stopped.</summary>
    private static long ReadAll(FrameReader reader, ReadOnlySequence<byte> buffer, bool completed, List<string> frames, List<Seen> messages, List<byte> passed)
    {
        long position = 0;
        while (reader.Read(buffer, position, completed) is { Kind: not FrameKind.NeedMore } frame)
        {
            frames.Add(frame.Kind == FrameKind.Message ? "message" : $"{frame.Length} bytes");
            if (frame.Kind == FrameKind.Message)
            {
                messages.Add(Seen.Of(frame.Message));
            }
            else
            {
                passed.AddRange(buffer.Slice(position, frame.Length).ToArray());
                position += frame.Length;
            }
        }

        return position;
    }

    /// <summary>Feeds <paramref name="pieces"/> as a pipe would: what the frames did not cover stays, and the next piece is appended to it.</summary>
    private static (List<string> Frames, List<Seen> Messages, byte[] Passed) Read(Flow flow, IEnumerable<byte[]> pieces)
    {
        var reader = new FrameReader(flow);
        var (frames, messages, passed) = (new List<string>(), new List<Seen>(), new List<byte>());
        byte[] pending = [];
        var all = pieces.ToList();
        for (var i = 0; i < all.Count; i++)
        {
            pending = [.. pending, .. all[i]];
            var consumed = ReadAll(reader, new ReadOnlySequence<byte>(pending), completed: i == all.Count - 1, frames, messages, passed);
            pending = pending[(int)consumed..];
        }

        return (frames, messages, [.. passed]);
    }

    private static (List<string> Frames, List<Seen> Messages, byte[] Passed) Read(Flow flow, byte[] bytes) => Read(flow, [bytes]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous = null)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    /// <summary>One buffer whose bytes are in two segments, cut at <paramref name="cut"/>.</summary>
    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int cut)
    {
        var first = new Segment(bytes.AsMemory(0, cut));
        var second = new Segment(bytes.AsMemory(cut), first);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    [Fact]
    public void Each_message_is_one_message_frame_then_its_bytes()
    {
        var (frames, messages, passed) = Read(Flow.Upstream, ClientStream);
        Assert.Equal(ClientMessages.SelectMany(m => new[] { "message", $"{m.Length} bytes" }), frames);
        Assert.Equal(ClientStreamTypes, messages.Select(m => m.Type));
        Assert.Equal(ClientStream, passed);
        Assert.Contains("[application_name, citus_internal gpid=10000006351]", messages[0].Text);
        Assert.Equal("s1", messages[2].Text); // Parse: statement name first
        Assert.Equal("PREPARE TRANSACTION 'citus_0_30489_4_3'", messages[7].Text);
    }

    [Fact]
    public void Cut_between_two_reads_at_every_byte_the_frames_are_the_same()
    {
        var (_, whole, _) = Read(Flow.Upstream, ClientStream);
        for (var cut = 1; cut < ClientStream.Length; cut++)
        {
            var (_, messages, passed) = Read(Flow.Upstream, [ClientStream[..cut], ClientStream[cut..]]);
            Assert.True(whole.SequenceEqual(messages), $"cut at byte {cut}: saw {string.Join(" ", messages.Select(m => m.Type))}");
            Assert.True(ClientStream.AsSpan().SequenceEqual(passed.AsSpan()), $"cut at byte {cut}: passed bytes differ");
        }
    }

    [Fact]
    public void Cut_between_the_segments_of_one_buffer_at_every_byte_the_frames_are_the_same()
    {
        var (_, whole, _) = Read(Flow.Upstream, ClientStream);
        for (var cut = 1; cut < ClientStream.Length; cut++)
        {
            var (frames, messages, passed) = (new List<string>(), new List<Seen>(), new List<byte>());
            var consumed = ReadAll(new FrameReader(Flow.Upstream), TwoSegments(ClientStream, cut), completed: true, frames, messages, passed);
            Assert.Equal(ClientStream.Length, consumed);
            Assert.True(whole.SequenceEqual(messages), $"cut at byte {cut}: saw {string.Join(" ", messages.Select(m => m.Type))}");
            Assert.True(ClientStream.AsSpan().SequenceEqual(passed.ToArray()), $"cut at byte {cut}: passed bytes differ");
        }
    }

    [Fact]
    public void Byte_by_byte_the_frames_are_the_same()
    {
        var (_, whole, _) = Read(Flow.Upstream, ClientStream);
        var (_, messages, passed) = Read(Flow.Upstream, ClientStream.Select(b => new[] { b }));
        Assert.Equal(whole, messages);
        Assert.Equal(ClientStream, passed);
    }

    [Fact]
    public void A_message_nobody_reads_is_announced_on_its_header_alone_and_passed_as_its_bytes_arrive()
    {
        var reader = new FrameReader(Flow.Upstream);
        var (frames, messages, passed) = (new List<string>(), new List<Seen>(), new List<byte>());
        var startup = Startup("user", "postgres");
        byte[] stream = [.. startup, .. Header(CopyData, 4 + 100_000), .. new byte[10]];
        var consumed = ReadAll(reader, new ReadOnlySequence<byte>(stream), completed: false, frames, messages, passed);

        Assert.Equal(stream.Length, consumed);
        Assert.Equal(new Seen(CopyData, 0, 4 + 100_000, Truncated: true, BodyLength: 0, ""), messages[1]);
        Assert.Equal(["message", $"{startup.Length} bytes", "message", "15 bytes"], frames);
        Assert.False(reader.AtMessageBoundary);

        // The rest of its body is passed as it comes, and nothing more: the next message is framed after it.
        var query = Message(FrontendCode.Query, "SELECT 1\0");
        var rest = ReadAll(reader, new ReadOnlySequence<byte>([.. new byte[100_000 - 10], .. query]), completed: true, frames, messages, passed);
        Assert.Equal(["99990 bytes", "message", $"{query.Length} bytes"], frames[4..]);
        Assert.Equal(100_000 - 10 + query.Length, rest);
        Assert.True(reader.AtMessageBoundary);
        Assert.Equal("SELECT 1", messages[^1].Text);
    }

    [Fact]
    public void A_message_that_is_read_waits_for_its_body_up_to_the_inspect_limit()
    {
        var complete = Message(BackendCode.CommandComplete, "INSERT 0 1\0");
        for (var n = 0; n < complete.Length; n++)
        {
            Assert.Equal(FrameKind.NeedMore, new FrameReader(Flow.Downstream).Read(new ReadOnlySequence<byte>(complete[..n]), 0, completed: false).Kind);
        }

        var frame = new FrameReader(Flow.Downstream).Read(new ReadOnlySequence<byte>(complete), 0, completed: false);
        Assert.Equal("INSERT 0 1", frame.Message.CString());

        var atLimit = Message(FrontendCode.Query, new string('x', MessageFramer.InspectLimit));
        var pastLimit = Message(FrontendCode.Query, new string('x', MessageFramer.InspectLimit + 1));
        var (_, messages, passed) = Read(Flow.Upstream, [.. Startup("user", "postgres"), .. atLimit, .. pastLimit]);
        Assert.Equal((false, (long)MessageFramer.InspectLimit), (messages[1].Truncated, messages[1].BodyLength));
        Assert.Equal((true, (long)MessageFramer.InspectLimit), (messages[2].Truncated, messages[2].BodyLength));
        Assert.Equal(Startup("user", "postgres").Length + atLimit.Length + pastLimit.Length, passed.Length);

        // Past the limit, the frame comes as soon as the limit is there: the rest is never waited for.
        var startup = Startup("user", "postgres");
        foreach (var (have, expected) in new[] { (MessageFramer.InspectLimit - 1, FrameKind.NeedMore), (MessageFramer.InspectLimit, FrameKind.Message) })
        {
            var reader = new FrameReader(Flow.Upstream);
            var buffer = new ReadOnlySequence<byte>([.. startup, .. pastLimit[..(5 + have)]]);
            Assert.Equal(FrameKind.Message, reader.Read(buffer, 0, completed: false).Kind);
            Assert.Equal(startup.Length, reader.Read(buffer, 0, completed: false).Length);
            Assert.Equal(expected, reader.Read(buffer, startup.Length, completed: false).Kind);
        }
    }

    [Fact]
    public void The_node_speaks_typed_messages_from_its_first_byte_and_only_those_that_matter_are_read()
    {
        (char Type, string Body, bool Read)[] sent =
        [
            (Authentication, "\0\0\0\0", false),
            (DataRow, "\0\u0001\0\0\0\u00011", false),
            (BackendCode.ErrorResponse, "SERROR\0C40000\0Mno\0\0", true),
            (BackendCode.CommandComplete, "COMMIT\0", true),
            (BackendCode.ReadyForQuery, "I", true),
        ];
        byte[] stream = [.. sent.SelectMany(m => Message(m.Type, m.Body))];
        var (_, messages, passed) = Read(Flow.Downstream, stream);
        Assert.Equal(sent.Select(m => (m.Type, !m.Read, m.Read ? m.Body.Length : 0L)), messages.Select(m => (m.Type, m.Truncated, m.BodyLength)));
        Assert.Equal("COMMIT", messages[3].Text);
        Assert.Equal(stream, passed);
    }

    public static TheoryData<string, int, string> StartupFamily => new()
    {
        // what comes first, its code, what the reader expects next
        { "SSLRequest", MessageFramer.SslRequestCode, "another startup packet" },
        { "GSSENCRequest", MessageFramer.GssEncRequestCode, "another startup packet" },
        { "startup", MessageFramer.ProtocolVersion3, "typed messages" },
        { "CancelRequest", MessageFramer.CancelRequestCode, "typed messages" },
    };

    [Theory]
    [MemberData(nameof(StartupFamily))]
    public void After_the_startup_family_come_typed_messages_except_after_an_encryption_request(string what, int code, string next)
    {
        var first = StartupPacket(code, code == MessageFramer.CancelRequestCode ? new byte[8] : code == MessageFramer.ProtocolVersion3 ? "user\0postgres\0\0"u8.ToArray() : []);
        var second = next == "typed messages" ? Message(FrontendCode.Query, "SELECT 1\0") : Startup("user", "postgres");
        byte[] stream = [.. first, .. second];
        var (_, messages, passed) = Read(Flow.Upstream, stream);
        Assert.Equal((PgMessage.Untyped, code), (messages[0].Type, messages[0].StartupCode));
        Assert.True(next == "typed messages" ? messages[1].Type == FrontendCode.Query : messages[1].StartupCode == MessageFramer.ProtocolVersion3, what);
        Assert.Equal(stream, passed);
    }

    public static TheoryData<string, int, bool> Limits => new()
    {
        // what, declared length, startup?
        { "shortest message: a length that counts only itself", 4, false },
        { "largest message PostgreSQL allows (1 GiB - 1)", MessageFramer.MaxMessageLength, false },
        { "shortest startup packet (SSLRequest)", 8, true },
        { "largest startup packet PostgreSQL allows", MessageFramer.MaxStartupLength, true },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Lengths_at_the_limits_are_framed(string what, int length, bool startup)
    {
        var header = startup
            ? StartupPacket(length == 8 ? MessageFramer.SslRequestCode : MessageFramer.ProtocolVersion3, new byte[length - 8])
            : Header(CopyData, length);
        var reader = new FrameReader(startup ? Flow.Upstream : Flow.Downstream);
        var frame = reader.Read(new ReadOnlySequence<byte>(header), 0, completed: false);
        Assert.True(frame.Kind == FrameKind.Message, what);
        Assert.Equal(length, frame.Message.Length);
        Assert.Equal(header.Length, reader.Read(new ReadOnlySequence<byte>(header), 0, completed: false).Length);
        Assert.Equal(length == 4 || startup, reader.AtMessageBoundary); // a whole message was passed
    }

    public static TheoryData<string, Flow, byte[], string> Garbage => new()
    {
        // what, which side sends it, bytes, the violation
        { "startup length 7", Flow.Upstream, [0, 0, 0, 7, 0x04, 0xD2, 0x16, 0x2F], "startup packet length 7 is outside 8..10000" },
        { "startup length 10001", Flow.Upstream, StartupPacket(MessageFramer.ProtocolVersion3, new byte[10_001 - 8]), "startup packet length 10001" },
        { "negative startup length", Flow.Upstream, [0xFF, 0xFF, 0xFF, 0xF0, 0, 3, 0, 0], "startup packet length -16" },
        { "protocol 2.0", Flow.Upstream, StartupPacket(2 << 16, "user\0postgres\0\0"u8.ToArray()), "unknown startup code 131072 (not PostgreSQL protocol 3.0)" },
        { "HTTP at a PostgreSQL port", Flow.Upstream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), "startup packet length 1195725856" },
        { "a Query claiming 2 GiB after startup", Flow.Upstream, [.. Startup("user", "postgres"), .. Header(FrontendCode.Query, int.MaxValue)], "message 'Q' declares length 2147483647, outside 4..1073741823" },
        { "length 3", Flow.Downstream, Header(BackendCode.ReadyForQuery, 3), "message 'Z' declares length 3" },
        { "1 GiB", Flow.Downstream, Header(DataRow, MessageFramer.MaxMessageLength + 1), "declares length 1073741824" },
        { "a type byte that is no letter", Flow.Downstream, [0x00, 0, 0, 0, 4], "byte 0x00 is not a PostgreSQL message type" },
        { "a startup packet from the node", Flow.Downstream, Startup("user", "postgres"), "is not a PostgreSQL message type" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_refused_with_a_reason(string what, Flow flow, byte[] bytes, string violation)
    {
        var error = Assert.Throws<ProtocolViolationException>(() => Read(flow, bytes));
        Assert.True(error.Message.Contains(violation, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    [Fact]
    public void A_peer_that_closes_in_a_message_that_is_read_is_a_violation_elsewhere_the_end_of_the_stream()
    {
        var query = Message(FrontendCode.Query, "SELECT 1\0");
        var startup = Startup("user", "postgres");
        byte[] cutQuery = [.. startup, .. query[..^1]];
        var inQuery = Assert.Throws<ProtocolViolationException>(() => Read(Flow.Upstream, cutQuery));
        Assert.Equal("the peer closed in the middle of a 'Q' message", inQuery.Message);
        var inStartup = Assert.Throws<ProtocolViolationException>(() => Read(Flow.Upstream, startup[..^1]));
        Assert.Equal("the peer closed in the middle of a startup packet", inStartup.Message);

        // A message relayed unread, or a header, cut short: the pump relays what came and sees the peer gone.
        byte[] cutCopy = [.. startup, .. Message(CopyData, new byte[50])[..20]];
        var (_, _, passed) = Read(Flow.Upstream, cutCopy);
        Assert.Equal(startup.Length + 20, passed.Length);
        var (frames, _, _) = Read(Flow.Downstream, Header(BackendCode.ReadyForQuery, 5)[..4]);
        Assert.Empty(frames);
    }
}
