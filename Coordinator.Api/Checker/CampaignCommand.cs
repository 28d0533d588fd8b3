using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// "campaign": the fault campaign from a terminal — a client of the API's job runner (the one
/// runner for the dashboard, the API and this CLI, so a second campaign is refused here too). It
/// starts the job, prints its progress, and at the end the table per fault kind and each violation.
/// Ctrl+C cancels the job (which heals its faults). Exit: 0 the invariants hold, 1 a violation, 2 could not run.
/// </summary>
public static class CampaignCommand
{
    private static readonly Option<string> Api = new("--api") { Description = "The coordinator API", DefaultValueFactory = _ => "http://localhost:5180" };
    private static readonly Option<int> Transactions = new("--transactions") { Description = "Transfers to run (1 to 5000)", DefaultValueFactory = _ => 200 };
    private static readonly Option<double> FaultRate = new("--fault-rate") { Description = "The share of transfers a fault hits (0 to 1)", DefaultValueFactory = _ => 0.5 };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Replays a campaign exactly (default: a new seed)" };
    private static readonly Option<string?> Faults = new("--faults") { Description = "The fault kinds to draw from, comma-separated (default: all), e.g. delay_commit_prepared,drop_before_commit_prepared" };
    private static readonly Option<string> ReadStrategy = new("--read-strategy") { Description = "How the readers read: read-committed (default), repeatable-read, lock-table-share, lock-pg-dist-transaction, one-shard-group", DefaultValueFactory = _ => "read-committed" };
    private static readonly Option<int> Readers = new("--readers") { Description = "Sessions reading both legs of every transfer while they run (0 to 8): their fractured reads are counted apart from the violations", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("campaign", "Runs a fault campaign in the running lab: seeded transfers between sites under faults, then checks that no transfer was half-applied or lost.")
        {
            Api, Transactions, FaultRate, Seed, Readers, Faults, ReadStrategy,
        };
        command.SetAction((result, ct) => RunAsync(result, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult options, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.GetValue(Api)!) };
        var parameters = new Dictionary<string, object> { ["transactions"] = options.GetValue(Transactions), ["faultRate"] = options.GetValue(FaultRate), ["readers"] = options.GetValue(Readers), ["readStrategy"] = options.GetValue(ReadStrategy)! };
        if (options.GetValue(Seed) is { } seed)
        {
            parameters["seed"] = seed;
        }

        if (options.GetValue(Faults) is { } faults)
        {
            parameters["faults"] = faults;
        }

        var result = await JobCli.RunAsync(http, "fault-campaign", parameters, "campaign", Dashed, cancellationToken);
        return result is { } done ? Print(done, http.BaseAddress!) : 2;
    }

    /// <summary>The report: one row per fault kind, then each violation; the exit code.</summary>
    private static int Print(JsonElement result, Uri api)
    {
        var invariants = result.GetProperty("invariants");
        Console.WriteLine();
        var rows = invariants.GetProperty("byFaultKind").EnumerateArray().ToList();
        // As wide as the longest kind (crash_coordinator_after_commit_record), so the columns stay columns.
        var width = rows.Select(r => r.GetProperty("faultKind").GetString()!.Length).Append("fault".Length).Max();
        // With readers, their columns beside the violations: a fractured read is a finding about Citus, not a violation.
        var readers = result.GetProperty("readers");
        var seen = readers.GetProperty("readers").GetInt32() > 0
            ? readers.GetProperty("byFaultKind").EnumerateArray().ToDictionary(r => r.GetProperty("faultKind").GetString()!)
            : null;
        Console.WriteLine($"{"fault".PadRight(width)} {"tried",6} {"acked",6} {"aborted",8} {"indet.",7} {"in doubt",9} {"violations",11}" +
                          (seen is null ? "" : $" {"reads",7} {"fractured",10} {"per 1000",9} {"failed",7}"));
        foreach (var row in rows)
        {
            var kind = row.GetProperty("faultKind").GetString()!;
            Console.WriteLine($"{kind.PadRight(width)} {row.GetProperty("attempted"),6} {row.GetProperty("acknowledged"),6} {row.GetProperty("aborted"),8} " +
                              $"{row.GetProperty("indeterminate"),7} {row.GetProperty("inDoubtBeforeRecovery"),9} {row.GetProperty("violations"),11}" +
                              (seen?.GetValueOrDefault(kind) is { ValueKind: JsonValueKind.Object } r
                                  ? string.Create(CultureInfo.InvariantCulture, $" {r.GetProperty("reads"),7} {r.GetProperty("fractured"),10} {r.GetProperty("perThousand").GetDouble(),9:0.0} {r.GetProperty("errors"),7}")
                                  : ""));
        }

        var violations = invariants.GetProperty("violations").EnumerateArray().ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.GetProperty("transactions")} transfers, {result.GetProperty("faults")} faults, {result.GetProperty("inDoubtBeforeRecovery")} in doubt before recovery; " +
            $"heal to resolved: median {result.GetProperty("resolutionMedianMs").GetDouble():0} ms, max {result.GetProperty("resolutionMaxMs").GetDouble():0} ms; seed {result.GetProperty("parameters").GetProperty("seed")}."));
        foreach (var violation in violations)
        {
            Console.WriteLine($"VIOLATION {violation.GetProperty("kind").GetString()}: {violation.GetProperty("detail").GetString()}");
        }

        if (seen is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{readers.GetProperty("readers")} readers ({readers.GetProperty("strategy").GetString()}): {readers.GetProperty("reads")} reads, {readers.GetProperty("fractured")} fractured " +
                $"(saw one site's leg of a transfer without the other's), {readers.GetProperty("errors")} failed; {readers.GetProperty("readsPerSecond").GetDouble():0.0} reads/s, " +
                $"{readers.GetProperty("transfersPerSecond").GetDouble():0.00} transfers/s. Atomicity is not isolation: each is in GET /campaigns/{result.GetProperty("campaignId")}."));
            foreach (var sample in readers.GetProperty("samples").EnumerateArray().Take(5))
            {
                Console.WriteLine($"FRACTURED READ: transfer {sample.GetProperty("transfer")} seen at {sample.GetProperty("seen").GetString()}, not yet at {sample.GetProperty("missing").GetString()} " +
                                  $"({sample.GetProperty("at").GetDateTimeOffset():HH:mm:ss.fff}, during {sample.GetProperty("faultKind").GetString()})");
            }
        }

        Console.WriteLine(violations.Count == 0 ? "The invariants hold: money conserved, no transfer half-applied, every acknowledged commit there, nothing left prepared." : $"{violations.Count} violations.");
        if (result.TryGetProperty("campaignId", out var kept) && kept.GetInt64() > 0)
        {
            Console.WriteLine($"Kept as campaign {kept} until the next reset; its chart: {new Uri(api, $"/campaigns/{kept}/chart")}");
        }

        return violations.Count == 0 ? 0 : 1;
    }

    private static string Dashed(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));
}
