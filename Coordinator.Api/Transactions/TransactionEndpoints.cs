using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Transactions;

/// <summary>Part 4 over HTTP: the emergency consultation, what waits in doubt, recovery.</summary>
public static class TransactionEndpoints
{
    public static IEndpointRouteBuilder MapTransactionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/transactions");
        group.MapPost("/emergency-consultation", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            Guard(async () =>
            {
                var result = await transactions.EmergencyConsultationAsync(ct);
                return result.Committed ? Results.Ok(result) : Results.UnprocessableEntity(result);
            }, lab.Value))
            .WithSummary("Yuki Tanaka's emergency consultation: a record at Tokyo and a bill at Paris, in one distributed transaction.");
        group.MapGet("/in-doubt", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            Guard(async () => Results.Ok(await transactions.InDoubtAsync(ct)), lab.Value))
            .WithSummary("Prepared transactions waiting at every site, and Citus's commit records.");
        group.MapPost("/recover", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            Guard(async () =>
            {
                var (resolved, before, after) = await transactions.RecoverAsync(ct);
                return Results.Ok(new { resolved, before, after });
            }, lab.Value))
            .WithSummary("recover_prepared_transactions(): finish what a failed site left in doubt.");
        return app;
    }

    internal static async Task<IResult> Guard(Func<Task<IResult>> action, LabClusterOptions lab)
    {
        try
        {
            return await action();
        }
        catch (CitusRequiredException e)
        {
            return Results.Problem(
                title: "This needs Citus: the lab runs on plain PostgreSQL.",
                detail: $"{e.Message} Run the lab with Docker, or install Citus 12.1 for your PostgreSQL (README: Without Citus).",
                statusCode: StatusCodes.Status409Conflict);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            return Results.Problem(
                title: "This needs Citus: the lab runs on plain PostgreSQL.",
                detail: $"{e.MessageText}. Run the lab with Docker, or install Citus 12.1 for your PostgreSQL (README: Without Citus).",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["sqlState"] = e.SqlState });
        }
        catch (PostgresException e)
        {
            return ProblemMapping.From(e, lab);
        }
        catch (NpgsqlException e)
        {
            return ProblemMapping.Unreachable(e, lab);
        }
    }
}
