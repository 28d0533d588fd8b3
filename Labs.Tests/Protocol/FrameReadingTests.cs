using System.Buffers;
using System.IO.Pipelines;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;
using static MediAI.Labs.Tests.Protocol.WireBytes;

namespace MediAI.Labs.Tests.Protocol;

/// <summary>
/// Frame reading on byte sequences, without sockets: the message pump fed through a real Pipe in
/// pieces split at every byte boundary must see the same messages and relay the same bytes;
/// lengths at PostgreSQL's limits pass or fail exactly there; garbage is refused with a reason.
/// </summary>
public sealed class FrameReadingTests
{
    private sealed record Seen(char Type, int Length, bool Truncated, string Text);

    private sealed class NoTarget : IFaultTarget
    {
        public string Site => "test";
        public long ConnectionId => 1;
        public ValueTask ReplyToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Runs the pump over <paramref name="chunks"/>; answers what it saw and what it relayed.</summary>
    private static async Task<(List<Seen> Seen, byte[] Relayed, PumpEnd End)> PumpAsync(Flow flow, IEnumerable<byte[]> chunks)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        foreach (var chunk in chunks)
        {
            await pipe.Writer.WriteAsync(chunk);
        }

        await pipe.Writer.CompleteAsync();
        var relayed = new MemoryStream();
        var seen = new List<Seen>();
        var pump = new MessagePump(flow, pipe.Reader, new LinkWriter(relayed), new LinkFaults(NoFaults.Instance, new NoTarget()), (message, _) =>
        {
            seen.Add(new Seen(message.Type, message.Length, message.Truncated,
                message.Type == FrontendCode.Query ? message.QueryText : message.IsStartup ? string.Join(",", message.StartupParameters()) : ""));
            return ValueTask.FromResult(Verdict.Forward);
        });
        var end = await pump.RunAsync(CancellationToken.None);
        return (seen, relayed.ToArray(), end);
    }

    [Fact]
    public async Task Split_at_every_byte_boundary_the_pump_sees_the_same_messages_and_relays_every_byte()
    {
        var (whole, relayedWhole, _) = await PumpAsync(Flow.Upstream, [ClientStream]);
        Assert.Equal(ClientStream, relayedWhole);
        Assert.Equal(ClientStreamTypes, whole.Select(m => m.Type));
        Assert.Contains("application_name", whole[0].Text);
        Assert.StartsWith("BEGIN;SET LOCAL mediai.traceparent", whole[1].Text);
        Assert.True(whole[6].Truncated); // CopyData is relayed on its header alone: none of its body is inspected
        Assert.Equal("PREPARE TRANSACTION 'citus_0_30489_4_3'", whole[7].Text);

        for (var cut = 1; cut < ClientStream.Length; cut++)
        {
            var (seen, relayed, end) = await PumpAsync(Flow.Upstream, [ClientStream[..cut], ClientStream[cut..]]);
            Assert.True(whole.SequenceEqual(seen), $"split at byte {cut}: saw {string.Join(" ", seen.Select(m => m.Type))}");
            Assert.True(ClientStream.AsSpan().SequenceEqual(relayed), $"split at byte {cut}: relayed bytes differ");
            Assert.Equal(PumpEnd.PeerClosed, end);
        }
    }

    [Fact]
    public async Task Byte_by_byte_the_pump_sees_the_same_messages()
    {
        var (whole, _, _) = await PumpAsync(Flow.Upstream, [ClientStream]);
        var (seen, relayed, _) = await PumpAsync(Flow.Upstream, ClientStream.Select(b => new[] { b }));
        Assert.Equal(whole, seen);
        Assert.Equal(ClientStream, relayed);
    }

    [Fact]
    public async Task A_long_query_is_inspected_up_to_the_limit_and_relayed_whole()
    {
        var sql = "SELECT '" + new string('x', MessageFramer.InspectLimit * 2) + "'";
        byte[] stream = [.. Startup("user", "postgres"), .. Message(FrontendCode.Query, sql + "\0")];
        var (seen, relayed, _) = await PumpAsync(Flow.Upstream, [stream]);
        Assert.Equal(stream, relayed);
        Assert.True(seen[1].Truncated);
        Assert.Equal(MessageFramer.InspectLimit, seen[1].Text.Length);
        Assert.StartsWith("SELECT 'xxx", seen[1].Text);
    }

    public static TheoryData<string, byte[], bool, string?> Headers => new()
    {
        // what, bytes, startup?, the violation (null: a valid header)
        { "shortest message (no body)", [(byte)Sync, 0, 0, 0, 4], false, null },
        { "length 3", [(byte)Sync, 0, 0, 0, 3], false, "declares length 3" },
        { "largest length PostgreSQL allows", [(byte)CopyData, 0x3F, 0xFF, 0xFF, 0xFF], false, null },
        { "one past it", [(byte)CopyData, 0x40, 0, 0, 0], false, "declares length 1073741824" },
        { "negative length", [(byte)FrontendCode.Query, 0xFF, 0xFF, 0xFF, 0xFF], false, "declares length -1" },
        { "type byte 0x00", [0, 0, 0, 0, 8], false, "byte 0x00 is not a PostgreSQL message type" },
        { "type byte 0xFF", [0xFF, 0, 0, 0, 8], false, "byte 0xFF is not a PostgreSQL message type" },
        { "shortest startup (SSLRequest)", [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F], true, null },
        { "startup length 7", [0, 0, 0, 7, 0x04, 0xD2, 0x16, 0x2F], true, "startup packet length 7" },
        { "startup length 10000", [0, 0, 0x27, 0x10, 0, 3, 0, 0], true, null },
        { "startup length 10001", [0, 0, 0x27, 0x11, 0, 3, 0, 0], true, "startup packet length 10001" },
        { "HTTP at a PostgreSQL port", "GET / HTTP/1.1\r\n"u8.ToArray(), true, "startup packet length 1195725856" },
        { "protocol 2.0", [0, 0, 0, 8, 0, 2, 0, 0], true, "unknown startup code 131072" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Lengths_at_the_limits_and_garbage(string what, byte[] bytes, bool startup, string? violation)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        if (violation is null)
        {
            Assert.True(MessageFramer.TryReadHeader(buffer, startup, out _, out _, out _, out _), what);
            return;
        }

        var error = Assert.Throws<ProtocolViolationException>(() => MessageFramer.TryReadHeader(buffer, startup, out _, out _, out _, out _));
        Assert.Contains(violation, error.Message);
    }

    [Fact]
    public void An_incomplete_header_asks_for_more_bytes_at_every_length()
    {
        byte[] header = [(byte)FrontendCode.Query, 0, 0, 0, 9];
        for (var n = 0; n < header.Length; n++)
        {
            Assert.False(MessageFramer.TryReadHeader(new ReadOnlySequence<byte>(header[..n]), startup: false, out _, out _, out _, out _));
        }

        byte[] startupHeader = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F];
        for (var n = 0; n < startupHeader.Length; n++)
        {
            Assert.False(MessageFramer.TryReadHeader(new ReadOnlySequence<byte>(startupHeader[..n]), startup: true, out _, out _, out _, out _));
        }
    }

    [Fact]
    public async Task A_peer_that_closes_mid_message_is_a_violation_with_a_reason()
    {
        var cut = ClientStream.Length - 10;
        var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => PumpAsync(Flow.Upstream, [ClientStream[..cut]]));
        Assert.Contains("closed in the middle of a 'Q' message", error.Message);
    }
}
