using MediAI.SiteAgents.Node;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// "crash_coordinator": the coordinator's node (Paris) is killed between the phases, seen from
/// this site's link, in 2PC's two classic cases:
/// <list type="bullet">
/// <item>'at' "prepared": this site has prepared and its yes vote is held, so the coordinator
/// cannot have written its commit record (pg_dist_transaction) — recovery must roll back every
/// site's prepared part;</item>
/// <item>'at' "commit_prepared": COMMIT PREPARED is on its way, so the coordinator has committed
/// its record — recovery must commit every site's part.</item>
/// </list>
/// With citus.recover_2pc_interval = -1 nobody recovers by themselves: the student (or the
/// campaign) runs recover_prepared_transactions() once the coordinator is back.
/// </summary>
public sealed class CrashCoordinator(string name, TwoPhaseMoment moment, FaultContext context) : CrashFault(name, moment, context)
{
    public const string TypeName = "crash_coordinator";

    public override string Type => TypeName;

    protected override Task KillAsync(NodeCrashes crashes, NodeCrash why) => crashes.KillCoordinatorAsync(why);

    public static CrashCoordinator Create(string name, Flow? flow, FaultRequest request, FaultContext context, Dictionary<string, string[]> errors) =>
        new(name, TwoPhaseMoment.From(request, [TwoPhaseMoment.Prepared, TwoPhaseMoment.CommitPrepared], errors), context);
}
