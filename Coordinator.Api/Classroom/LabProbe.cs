using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.Classroom;

/// <summary>The lab stopped answering mid-run: the run stops, and the next one resumes with this student.</summary>
public sealed class LabDownException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Does every node of the lab answer, through the links Citus uses? Asked before and after each
/// student's pass: a grade given while a site was down could be the site's fault, so the run stops
/// there instead (and resumes with that student).
/// </summary>
public static class LabProbe
{
    /// <summary>Null when every node answers; else why not, naming the site and what to do.</summary>
    public static async Task<LabDownException?> DownAsync(NpgsqlDataSource admin, LabClusterOptions lab, string student, Exception? cause, CancellationToken ct)
    {
        try
        {
            await using var connection = await admin.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT string_agg(nodename || ':' || nodeport, ', ') FROM run_command_on_all_nodes('SELECT 1') JOIN pg_dist_node USING (nodeid) WHERE NOT success", connection);
            if (await command.ExecuteScalarAsync(ct) is string nodes)
            {
                return new LabDownException($"{lab.NameSites($"node(s) {nodes}")} did not answer while {student} was graded: bring the site back (dashboard → its agent → Heal all / Start node), then start the grading again: it resumes with {student}.", cause);
            }

            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            return null; // plain PostgreSQL: the coordinator answered
        }
        catch (NpgsqlException e)
        {
            return new LabDownException($"The lab stopped answering while {student} was graded ({e.Message}). {lab.CoordinatorDownAdvice} Then start the grading again: it resumes with {student}.", cause ?? e);
        }
    }
}
