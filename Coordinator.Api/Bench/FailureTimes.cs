using System.Diagnostics;
using System.Text.Json;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Bench;

/// <summary>One way a site stops answering, and how long a statement needing it took to fail, beside the lab's bound.</summary>
public sealed record FailureTime(string Case, double BoundMs, IReadOnlyList<double> RunsMs, double MedianMs, double Ratio, string SqlState, string Message);

/// <summary>
/// The benchmark of the lab's failure times (a job: POST /jobs/failure-times {"repeat": 3}; the CLI's
/// bench-failures): a statement that needs Tokyo, timed while Tokyo is cut off ("down": links reset),
/// silent on a new link (bound: LabTimeouts.Connect, citus.node_connection_timeout), and silent on
/// a link that was open (bound: twice LabTimeouts.Network — the gateway resets a silent link after
/// it, and Citus meets the silence once more before it gives up). Each measured beside its bound.
/// </summary>
public sealed class FailureTimes(int repeat, LabClusterOptions lab, AgentClient agents, Action retirePooledBackends) : ILabJob
{
    private const string NeedsTokyo = "SELECT count(*) FROM Patients WHERE country = 'Japan'";

    private static readonly object Silent = new { name = "bench-silent", type = "timeout", stream = "upstream", attributes = new { timeout = 0 } };
    private static readonly object CutOff = new { name = "bench-down", type = "down" };

    private static LabSite Tokyo => LabSites.All.Single(s => s.Country == "Japan");

    public string Description => $"the failure-time benchmark ({repeat} runs of each case)";

    public Task<string?> RefusalAsync(CancellationToken cancellationToken) => Task.FromResult(lab.NoAgentsRefusal("The failure-time benchmark"));

    private string Coordinator => new NpgsqlConnectionStringBuilder(lab.ConnectionString(lab.Coordinator, LabSites.Database))
    {
        Pooling = false,
        ApplicationName = "mediai-bench",
        CommandTimeout = 120,
    }.ConnectionString;

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        (string Name, double Bound, object Fault, bool Warm)[] cases =
        [
            ("Tokyo cut off (down: its links reset)", 0, CutOff, false),
            ("Tokyo silent, new link", LabTimeouts.Connect.TotalMilliseconds, Silent, false),
            ("Tokyo silent, link already open", 2 * LabTimeouts.Network.TotalMilliseconds, Silent, true),
        ];
        var results = new List<FailureTime>();
        var step = 0;
        foreach (var (name, bound, fault, warm) in cases)
        {
            var runs = new List<double>();
            (string SqlState, string Message) last = ("", "");
            for (var run = 1; run <= repeat; run++)
            {
                progress.Report(++step, cases.Length * repeat, $"{name}, run {run} of {repeat}");
                await using var connection = new NpgsqlConnection(Coordinator);
                await connection.OpenAsync(cancellationToken);
                if (warm)
                {
                    await using var open = new NpgsqlCommand(NeedsTokyo, connection);
                    await open.ExecuteScalarAsync(cancellationToken); // Citus's link to Tokyo is open and cached in this session
                }

                await agents.AddFaultAsync(Tokyo, fault, cancellationToken);
                var clock = Stopwatch.StartNew();
                try
                {
                    await using var count = new NpgsqlCommand(NeedsTokyo, connection);
                    await count.ExecuteScalarAsync(cancellationToken);
                    last = ("", "it did not fail");
                }
                catch (PostgresException e)
                {
                    last = (e.SqlState, e.MessageText);
                }
                finally
                {
                    runs.Add(clock.Elapsed.TotalMilliseconds);
                    await agents.HealAsync(Tokyo, cancellationToken);
                }
            }

            var median = runs.Order().ElementAt(runs.Count / 2);
            results.Add(new FailureTime(name, bound, runs, median, bound > 0 ? median / bound : 0, last.SqlState, last.Message));
            progress.Log($"{name}: median {median:0} ms (bound {bound:0} ms), {last.SqlState} {last.Message}");
        }

        return results;
    }

    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        await agents.HealAsync(Tokyo, cancellationToken);
        retirePooledBackends();
    }
}

/// <summary>POST /jobs/failure-times {"repeat": 3}.</summary>
public sealed class FailureTimesFactory(IOptions<LabClusterOptions> lab, AgentClient agents, PooledBackends pooled) : ILabJobFactory
{
    public string Kind => "failure-times";

    public ILabJob? Create(JsonElement? parameters, Dictionary<string, string[]> errors)
    {
        var repeat = new JobParameters(parameters, errors, "{\"repeat\": 3}").WholeNumber("repeat", 3, 1, 9, "must be a whole number from 1 to 9: the runs of each case");
        return errors.Count == 0 ? new FailureTimes(repeat, lab.Value, agents, pooled.Retire) : null;
    }
}
