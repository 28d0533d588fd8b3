using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Sessions;
using Npgsql;

namespace MediAI.Coordinator.Queries;

/// <summary>
/// PostgreSQL's answer, as HTTP problem+json: the message and SQLSTATE, 4xx for the user's
/// mistakes, 503 only when a site cannot be reached.
/// </summary>
public static class ProblemMapping
{
    public static IResult From(PostgresException e, LabClusterOptions lab)
    {
        var (status, title) = e.SqlState switch
        {
            "25006" => (StatusCodes.Status400BadRequest, "This endpoint only reads: the statement tried to write."),
            "42501" => (StatusCodes.Status400BadRequest, "The lab's read-only role (lab_reader) may not do this."),
            "57014" => (StatusCodes.Status408RequestTimeout, "The query took longer than the lab's statement timeout."),
            _ when e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal)
                || e.SqlState.StartsWith("53", StringComparison.Ordinal) || (e.SqlState == "XX000" && e.MessageText.Contains("remote node", StringComparison.Ordinal))
                => (StatusCodes.Status503ServiceUnavailable, "A site of the cluster could not be reached."),
            _ => (StatusCodes.Status400BadRequest, "PostgreSQL rejected the statement."),
        };
        var detail = lab.NameSites(e.MessageText);
        if (status == StatusCodes.Status503ServiceUnavailable && detail == e.MessageText)
        {
            // No other site named: it is the coordinator's own connection that broke (its node stopped).
            detail += $" [{lab.Coordinator.City}, the coordinator]. {lab.CoordinatorDownAdvice}";
        }

        return Results.Problem(
            title: title,
            detail: detail,
            statusCode: status,
            extensions: new Dictionary<string, object?>
            {
                ["sqlState"] = e.SqlState,
                ["position"] = e.Position == 0 ? null : e.Position,
                ["hint"] = e.Hint,
            });
    }

    /// <summary>
    /// Runs an endpoint's work and answers what went wrong as problem+json: the user's mistakes
    /// as 4xx with PostgreSQL's message and SQLSTATE, Citus-only features on plain PostgreSQL as
    /// 409, an unreachable coordinator as 503.
    /// </summary>
    public static async Task<IResult> GuardAsync(Func<Task<IResult>> action, LabClusterOptions lab)
    {
        try
        {
            return await action();
        }
        catch (QueryRejectedException e)
        {
            return From(e);
        }
        catch (FragmentException e)
        {
            return Results.Problem(
                title: $"PostgreSQL could not read {e.Field}.",
                detail: e.PostgresError.MessageText,
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["sqlState"] = e.PostgresError.SqlState, ["field"] = e.Field });
        }
        catch (CitusRequiredException e)
        {
            return Results.Problem(
                title: "This needs Citus: the lab runs on plain PostgreSQL.",
                detail: $"{e.Message} Run the lab with Docker, or install Citus 12.1 for your PostgreSQL (README: Without Citus).",
                statusCode: StatusCodes.Status409Conflict);
        }
        catch (PostgresException e)
        {
            return From(e, lab);
        }
        catch (NpgsqlException e)
        {
            return Unreachable(e, lab);
        }
    }

    public static IResult From(QueryRejectedException e) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] }, title: "The request cannot be run: see which field is wrong.");

    public static IResult Unreachable(NpgsqlException e, LabClusterOptions lab) =>
        Results.Problem(
            title: $"The coordinator ({lab.Coordinator.City}) could not be reached.",
            detail: $"{lab.NameSites(e.Message)}. {lab.CoordinatorDownAdvice}",
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
