using MediAI.SiteAgents.Node;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "crash_node": this site's node is killed at a 2PC moment ('at'): "prepare" (nothing prepared:
/// the site votes no by dying), "prepared" (its yes vote is on disk but never heard: the
/// coordinator aborts, and the node comes back holding a prepared transaction that recovery rolls
/// back), "commit_prepared" (the coordinator decided commit: recovery commits it after the restart).
/// Container mode: the container stays down until started (POST /node/start); local mode: PostgreSQL
/// restarts itself after crash recovery.
/// </summary>
public sealed class CrashNode(string name, TwoPhaseMoment moment, FaultContext context) : CrashFault(name, moment, context)
{
    public const string TypeName = "crash_node";

    public override string Type => TypeName;

    protected override Task KillAsync(NodeCrashes crashes, NodeCrash why) => crashes.KillOwnAsync(why);

    public static CrashNode Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new(name, TwoPhaseMoment.From(request, [TwoPhaseMoment.Prepared, TwoPhaseMoment.Prepare, TwoPhaseMoment.CommitPrepared], errors), context);
}
