using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Grading;
using MediAI.Coordinator.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Classroom;

/// <summary>POST /jobs/class-grading (and the dashboard's *Grade class*, the CLI's --class): a class grading from its parameters.</summary>
public sealed class ClassGradingFactory(IOptions<LabClusterOptions> lab, AgentClient agents, AgentNodeClient nodes, PooledBackends pooled) : ILabJobFactory
{
    public const string JobKind = "class-grading";

    public string Kind => JobKind;

    public ILabJob? Create(System.Text.Json.JsonElement? parameters, Dictionary<string, string[]> errors)
    {
        if (ClassParameters.From(parameters, errors) is not { } valid)
        {
            return null;
        }

        // The professor's points: the lab repository's own exercises/points.json, never a student's copy.
        LabPoints points;
        try
        {
            points = LabPoints.Read(valid.Points ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(lab.Value.DataDir))!, "exercises", LabPoints.FileName));
        }
        catch (LabPointsException e)
        {
            errors["points"] = [e.Message];
            return null;
        }

        // The grading's own administrative sessions: bounded, so a site that stops answering mid-DDL
        // (a role propagated to every node) becomes an error within a minute, not a five-minute hang.
        var admin = new NpgsqlConnectionStringBuilder(lab.Value.ConnectionString(lab.Value.Coordinator, LabSites.Database))
        {
            ApplicationName = "mediai-class-grading",
            CommandTimeout = 90,
        }.WithSettings(("statement_timeout", "60s"), ("lock_timeout", "15s"), SessionSettings.NodeConnectionTimeout(LabTimeouts.Connect)).ConnectionString;
        return new ClassGrading(valid, points, lab.Value, admin, sessions => new Part4Replay(sessions, agents, nodes, pooled.Retire));
    }
}
