using System.CommandLine;
using System.Globalization;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// "bench-failures": the benchmark of how long a statement needing an unanswering site takes to
/// fail, each case measured beside the lab's bound (README: "How long a failure takes"). A job of
/// the running lab (POST /jobs/failure-times), like the campaign. Exit 0 once measured, 2 could not run.
/// </summary>
public static class BenchFailuresCommand
{
    private static readonly Option<string> Api = new("--api") { Description = "The coordinator API", DefaultValueFactory = _ => "http://localhost:5180" };
    private static readonly Option<int> Repeat = new("--repeat") { Description = "Runs of each case (1 to 9); the median is shown", DefaultValueFactory = _ => 3 };

    public static Command Create()
    {
        var command = new Command("bench-failures", "Measures how long a statement needing Tokyo takes to fail while Tokyo is cut off or silent, beside the lab's bounds.")
        {
            Api, Repeat,
        };
        command.SetAction(async (options, ct) =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(options.GetValue(Api)!) };
            if (await JobCli.RunAsync(http, "failure-times", new { repeat = options.GetValue(Repeat) }, "benchmark", n => n, ct) is not { } result)
            {
                return 2;
            }

            Console.WriteLine();
            Console.WriteLine($"{"case",-36} {"bound",8} {"median",8} {"ratio",6}  runs (ms); error");
            foreach (var row in result.EnumerateArray())
            {
                var bound = row.GetProperty("boundMs").GetDouble();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.GetProperty("case").GetString(),-36} {(bound > 0 ? $"{bound / 1000:0.0} s" : "none"),8} {row.GetProperty("medianMs").GetDouble() / 1000,6:0.00} s {(bound > 0 ? $"{row.GetProperty("ratio").GetDouble():0.00}" : "-"),6}  " +
                    $"{string.Join(" ", row.GetProperty("runsMs").EnumerateArray().Select(r => r.GetDouble().ToString("0", CultureInfo.InvariantCulture)))}; " +
                    $"{row.GetProperty("sqlState").GetString()} {row.GetProperty("message").GetString()}"));
            }

            return 0;
        });
        return command;
    }
}
