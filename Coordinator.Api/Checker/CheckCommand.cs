using MediAI.Coordinator.Fragmentation;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// "Coordinator.Api check [folder] [--json] [--host H] [--port P] [--user U] [--password W] [--timeout S]":
/// grades a folder of answers (default exercises/) against the running lab. Connection settings
/// default to psql's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD), then to the lab's
/// localhost:5432, postgres/postgres. Exit code: 0 all passed (or skipped), 1 some failed, 2 could not check.
/// </summary>
public static class CheckCommand
{
    private const string Usage = """
        Usage: dotnet run --project Coordinator.Api -- check [folder] [--json] [--host H] [--port P] [--user U] [--password W] [--timeout SECONDS]
          folder     the answers to grade (default: exercises)
          --json     the report as JSON (for an autograder) instead of text
          --timeout  the longest any one statement may run (default 60 s; a repartition join takes ~20 s on a 2-core laptop)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        var folder = "exercises";
        var json = false;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST", "localhost"),
            Username = Env("PGUSER", "postgres"),
            Password = Env("PGPASSWORD", "postgres"),
            Database = LabSites.Database,
            ApplicationName = "mediai-checker",
            Timeout = 5,
        };
        var timeout = 60;
        try
        {
            builder.Port = int.Parse(Env("PGPORT", "5432"));
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    case "--json": json = true; break;
                    case "--host": builder.Host = Value(); break;
                    case "--port": builder.Port = int.Parse(Value()); break;
                    case "--user": builder.Username = Value(); break;
                    case "--password": builder.Password = Value(); break;
                    case "--timeout": timeout = int.Parse(Value()); break;
                    case var option when option.StartsWith("--", StringComparison.Ordinal): throw new FormatException($"unknown option {option}");
                    default: folder = args[i]; break;
                }
            }
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}");
            return 2;
        }

        // PostgreSQL's statement_timeout (--timeout) stops a statement and keeps the session; Npgsql's own
        // timeout, 30 s by default, would break the connection first.
        builder.CommandTimeout = timeout + 10;

        if (!Directory.Exists(folder))
        {
            await Console.Error.WriteLineAsync($"There is no folder '{folder}' here ({Environment.CurrentDirectory}). Run the checker from the lab's folder, or give the path.\n{Usage}");
            return 2;
        }

        var lab = $"{builder.Host}:{builder.Port}/{builder.Database}";
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var checker = new LabChecker(dataSource, new FragmentationChecker(dataSource, Options.Create(new QueryLimits())), timeout);
        CheckReport report;
        try
        {
            report = await checker.RunAsync(folder, lab, CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"Cannot reach the lab at {lab}: {e.Message}\n"
                + "Is it running? Start it with: dotnet run --project AppHost (its log says the port if 5432 was taken; then pass --port).");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"The checker could not finish: {e.Message}");
            return 2;
        }

        Console.Write(json ? report.ToJson() + Environment.NewLine : report.ToText());
        return report.Failed == 0 ? 0 : 1;
    }
}
