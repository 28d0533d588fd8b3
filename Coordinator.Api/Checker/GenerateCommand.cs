using System.CommandLine;
using System.Globalization;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// "generate": the data generator from a terminal — a client of the API's job runner, like the
/// campaign (a second long job is refused). Prints progress, then the rows loaded and how fast.
/// Exit 0 loaded, 2 could not run (a failed load leaves no rows).
/// </summary>
public static class GenerateCommand
{
    private static readonly Option<string> Api = new("--api") { Description = "The coordinator API", DefaultValueFactory = _ => "http://localhost:5180" };
    private static readonly Option<int> Patients = new("--patients") { Description = "Patients to generate (1 to 5000000), with their records, training rows and transactions", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<int> Seed = new("--seed") { Description = "The same seed gives the same rows", DefaultValueFactory = _ => 1 };
    private static readonly Option<bool> Skewed = new("--skewed") { Description = "Countries deliberately uneven (France holds most)" };

    public static Command Create()
    {
        var command = new Command("generate", "Loads generated patients into schema lab_scale of the running lab, each country at its site (Reset lab data removes them).")
        {
            Api, Patients, Seed, Skewed,
        };
        command.SetAction(async (options, ct) =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(options.GetValue(Api)!) };
            var parameters = new { patients = options.GetValue(Patients), seed = options.GetValue(Seed), skewed = options.GetValue(Skewed) };
            if (await JobCli.RunAsync(http, "data-generator", parameters, "generation", n => n, ct) is not { } result)
            {
                return 2;
            }

            Console.WriteLine();
            foreach (var table in result.GetProperty("rows").EnumerateObject())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lab_scale.{table.Name,-16} {table.Value.GetInt64(),12:N0} rows"));
            }

            var countries = string.Join(", ", result.GetProperty("patientsByCountry").EnumerateObject()
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Value.GetInt32():N0}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Loaded in {result.GetProperty("seconds").GetDouble():0.0} s ({result.GetProperty("rowsPerSecond").GetDouble():N0} rows/s). Patients per country: {countries}."));
            return 0;
        });
        return command;
    }
}
