using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;

namespace MediAI.Coordinator.Transactions;

/// <summary>Part 4 over HTTP: the emergency consultation, what waits in doubt, recovery.</summary>
public static class TransactionEndpoints
{
    public static IEndpointRouteBuilder MapTransactionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/transactions");
        group.MapPost("/emergency-consultation", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () =>
            {
                var result = await transactions.EmergencyConsultationAsync(ct);
                return result.Committed ? Results.Ok(result) : Results.UnprocessableEntity(result);
            }, lab.Value))
            .WithSummary("Yuki Tanaka's emergency consultation: a record at Tokyo and a bill at Paris, in one distributed transaction.");
        group.MapGet("/in-doubt", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => Results.Ok(await transactions.InDoubtAsync(ct)), lab.Value))
            .WithSummary("Prepared transactions waiting at every site, and Citus's commit records.");
        group.MapPost("/recover", (DistributedTransactions transactions, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () =>
            {
                var (resolved, before, after) = await transactions.RecoverAsync(ct);
                return Results.Ok(new { resolved, before, after });
            }, lab.Value))
            .WithSummary("recover_prepared_transactions(): finish what a failed site left in doubt.");
        return app;
    }
}
