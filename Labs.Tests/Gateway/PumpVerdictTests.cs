using System.IO.Pipelines;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;
using static MediAI.Labs.Tests.Protocol.WireBytes;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// The pump relays as its link's faults decide, without sockets: each verdict on a message and
/// each action on a chunk, the flow a fault is bound to, the link's own rules before the faults,
/// and a fault added while the link is open.
/// </summary>
public sealed class PumpVerdictTests
{
    private static readonly byte[] Login = Startup("user", "postgres");
    private static readonly byte[] Begin = Message(FrontendCode.Query, "BEGIN\0");
    private static readonly byte[] Prepare = Message(FrontendCode.Query, "PREPARE TRANSACTION 'g1'\0");
    private static readonly byte[] After = Message(FrontendCode.Query, "SELECT 2\0");
    private static readonly byte[] Session = [.. Login, .. Begin, .. Prepare, .. After];

    private sealed class Faults : IFaultSource
    {
        public List<IFault> InForce { get; } = [];
        public IReadOnlyList<IFault> Snapshot => [.. InForce];

        public event Action<IFault>? Added
        {
            add { }
            remove { }
        }
    }

    private sealed class Target : IFaultTarget
    {
        public string Site => "test";
        public long ConnectionId => 1;
        public ValueTask ReplyToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Judges the queries that start with <paramref name="sql"/>.</summary>
    private sealed class OnQuery(string sql, Verdict verdict, Flow? flow = null) : IFault
    {
        public string Name => $"on {sql}";
        public string Type => "test";
        public Flow? Flow => flow;
        public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();

        public ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken) =>
            ValueTask.FromResult(message.Type == FrontendCode.Query && message.QueryText.StartsWith(sql, StringComparison.Ordinal) ? verdict : Verdict.Forward);
    }

    private sealed class OnChunk(ChunkAction action) : IFault
    {
        public string Name => $"chunk {action}";
        public string Type => "test";
        public Flow? Flow => null;
        public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();

        public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) => ValueTask.FromResult(action);
    }

    private sealed record Run(byte[] Relayed, PumpEnd End, List<string> Acted);

    private static async Task<Run> PumpAsync(Faults faults, byte[] stream, Flow flow = Flow.Upstream, Func<PgMessage, Verdict>? link = null)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(stream);
        await pipe.Writer.CompleteAsync();
        var relayed = new MemoryStream();
        var acted = new List<string>();
        var linkFaults = new LinkFaults(faults, new Target(), (fault, verdict, on) => acted.Add($"{fault.Name}: {verdict} {on}"));
        var pump = new MessagePump(flow, pipe.Reader, new LinkWriter(relayed), linkFaults,
            (message, _) => ValueTask.FromResult(link?.Invoke(message) ?? Verdict.Forward));
        var end = await pump.RunAsync(CancellationToken.None);
        return new Run(relayed.ToArray(), end, acted);
    }

    [Fact]
    public async Task Without_faults_every_byte_is_relayed_until_the_peer_closes()
    {
        var run = await PumpAsync(new Faults(), Session);
        Assert.Equal(Session, run.Relayed);
        Assert.Equal(PumpEnd.PeerClosed, run.End);
        Assert.Empty(run.Acted);
    }

    public static TheoryData<Verdict, byte[], PumpEnd> Verdicts => new()
    {
        // the verdict on PREPARE, what reaches the node, how the pump ends
        { Verdict.Forward, Session, PumpEnd.PeerClosed },
        { Verdict.Swallow, [.. Login, .. Begin, .. After], PumpEnd.PeerClosed },
        { Verdict.Close, [.. Login, .. Begin], PumpEnd.Closed },
        { Verdict.ForwardThenClose, [.. Login, .. Begin, .. Prepare], PumpEnd.Closed },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public async Task Each_verdict_is_relayed_as_it_says(Verdict verdict, byte[] relayed, PumpEnd end)
    {
        var faults = new Faults { InForce = { new OnQuery("PREPARE", verdict) } };
        var run = await PumpAsync(faults, Session);
        Assert.Equal(relayed, run.Relayed);
        Assert.Equal(end, run.End);
        Assert.Equal(verdict == Verdict.Forward ? [] : [$"on PREPARE: {verdict} Upstream"], run.Acted);
    }

    public static TheoryData<ChunkAction, PumpEnd> ChunkActions => new()
    {
        { ChunkAction.Discard, PumpEnd.PeerClosed },
        { ChunkAction.Close, PumpEnd.Closed },
        { ChunkAction.Reset, PumpEnd.Reset },
    };

    [Theory]
    [MemberData(nameof(ChunkActions))]
    public async Task A_chunk_fault_drops_the_bytes_or_the_link(ChunkAction action, PumpEnd end)
    {
        var run = await PumpAsync(new Faults { InForce = { new OnChunk(action) } }, Session);
        Assert.Empty(run.Relayed);
        Assert.Equal(end, run.End);
    }

    [Fact]
    public async Task A_fault_bound_to_one_flow_never_sees_the_other()
    {
        var faults = new Faults { InForce = { new OnQuery("PREPARE", Verdict.Close, Flow.Downstream) } };
        Assert.Equal(Session, (await PumpAsync(faults, Session)).Relayed);

        faults.InForce[0] = new OnQuery("PREPARE", Verdict.Close, Flow.Upstream);
        Assert.Equal(PumpEnd.Closed, (await PumpAsync(faults, Session)).End);
    }

    [Fact]
    public async Task The_links_own_rules_come_first_and_a_message_they_swallow_reaches_no_fault()
    {
        var faults = new Faults { InForce = { new OnQuery("PREPARE", Verdict.Close) } };
        var run = await PumpAsync(faults, Session, link: m => m.Type == FrontendCode.Query && m.QueryText.StartsWith("PREPARE", StringComparison.Ordinal) ? Verdict.Swallow : Verdict.Forward);
        Assert.Equal([.. Login, .. Begin, .. After], run.Relayed);
        Assert.Empty(run.Acted);
    }

    [Fact]
    public async Task A_fault_added_while_the_link_is_open_acts_on_its_next_message()
    {
        var faults = new Faults();
        var run = await PumpAsync(faults, Session, link: m =>
        {
            if (m.Type == FrontendCode.Query && m.QueryText == "BEGIN")
            {
                faults.InForce.Add(new OnQuery("PREPARE", Verdict.Swallow));
            }

            return Verdict.Forward;
        });
        Assert.Equal([.. Login, .. Begin, .. After], run.Relayed);
        Assert.Equal(["on PREPARE: Swallow Upstream"], run.Acted);
    }
}
