using System.CommandLine;
using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Core.Grading;
using MediAI.Coordinator.Core.Sessions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Checker;

/// <summary>
/// The checker's command line (System.CommandLine): grades a folder of answers (default
/// exercises/) against the running lab. Connection settings default to psql's environment
/// (PGHOST, PGPORT, PGUSER, PGPASSWORD), then to the lab's localhost:5432, postgres/postgres.
/// Exit code: 0 all passed (or skipped), 1 some failed, 2 could not check (or a wrong option).
/// </summary>
public static class CheckCommand
{
    /// <summary>What students type; every message and document says this.</summary>
    public const string Command = "dotnet run --project Coordinator.Api/Checker --";

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    private static readonly Argument<string> Folder = new("folder")
    {
        Description = "The answers to grade",
        DefaultValueFactory = _ => "exercises",
    };

    private static readonly Option<bool> Json = new("--json") { Description = "The report as JSON (for an autograder) instead of text" };
    private static readonly Option<string> Host = new("--host") { Description = "The lab's host (PGHOST)", DefaultValueFactory = _ => Env("PGHOST", "localhost") };
    private static readonly Option<int> Port = new("--port") { Description = "The lab's port (PGPORT); the lab's log says it if 5432 was taken", DefaultValueFactory = _ => int.TryParse(Env("PGPORT", "5432"), out var port) ? port : 5432 };
    private static readonly Option<string> User = new("--user") { Description = "PostgreSQL user (PGUSER)", DefaultValueFactory = _ => Env("PGUSER", "postgres") };
    private static readonly Option<string> Password = new("--password") { Description = "PostgreSQL password (PGPASSWORD)", DefaultValueFactory = _ => Env("PGPASSWORD", "postgres") };
    private static readonly Option<SslMode> Tls = new("--sslmode")
    {
        Description = "TLS to the lab (PGSSLMODE): Prefer (TLS when the server offers it), Require, VerifyCA, VerifyFull (with --root-cert), Disable",
        DefaultValueFactory = _ => Enum.TryParse<SslMode>(Env("PGSSLMODE", "prefer").Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode) ? mode : SslMode.Prefer,
    };

    private static readonly Option<string?> RootCertificate = new("--root-cert")
    {
        Description = "The CA file that signed the server's certificate, for --sslmode VerifyCA or VerifyFull (PGSSLROOTCERT)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PGSSLROOTCERT") is { Length: > 0 } file ? file : null,
    };

    private static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "The longest any one statement may run, in seconds (a repartition join takes ~20 s on a 2-core laptop)",
        DefaultValueFactory = _ => 60,
    };

    public static RootCommand Root()
    {
        var root = new RootCommand($"Grades your answers to the MediAI lab against the running lab.{Environment.NewLine}Usage: {Command} [folder] [options]")
        {
            Folder, Json, Host, Port, User, Password, Tls, RootCertificate, Timeout,
            ClassCommand.Class, ClassCommand.At, ClassCommand.Out, ClassCommand.Parallel, ClassCommand.Template, ClassCommand.BurstMinutes, ClassCommand.Points, ClassCommand.Api,
        };
        root.Subcommands.Add(CampaignCommand.Create());
        root.Subcommands.Add(BenchFailuresCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(AutogradeCommand.Create());
        root.SetAction((result, ct) => GradeAsync(result, ct));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Root();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A wrong option: say which, then the usage text, and exit 2 (could not check).
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await root.Parse(["--help"]).InvokeAsync();
            return 2;
        }

        return await parsed.InvokeAsync();
    }

    private static async Task<int> GradeAsync(ParseResult options, CancellationToken cancellationToken)
    {
        var folder = options.GetValue(Folder)!;
        var json = options.GetValue(Json);
        var timeout = options.GetValue(Timeout);
        if (options.GetValue(ClassCommand.Class) is not null)
        {
            return await ClassCommand.RunAsync(options, timeout, cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = options.GetValue(Host),
            Port = options.GetValue(Port),
            Username = options.GetValue(User),
            Password = options.GetValue(Password),
            Database = LabSites.Database,
            ApplicationName = "mediai-checker",
            Timeout = 5,
            // A department's cluster (the lab in external mode) may require TLS, and its certificate checked.
            SslMode = options.GetValue(Tls),
            RootCertificate = options.GetValue(RootCertificate),
        };

        // PostgreSQL's statement_timeout (--timeout) stops a statement and keeps the session; Npgsql's own
        // timeout, 30 s by default, would break the connection first.
        builder.CommandTimeout = timeout + 10;

        if (!Directory.Exists(folder))
        {
            await Console.Error.WriteLineAsync($"There is no folder '{folder}' here ({Environment.CurrentDirectory}). Run the checker from the lab's folder, or give the path: {Command} path/to/answers");
            return 2;
        }

        var lab = $"{builder.Host}:{builder.Port}/{builder.Database}";
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var checker = new LabChecker(dataSource, new FragmentationChecker(dataSource, Options.Create(new QueryLimits())), timeout);
        CheckReport report;
        try
        {
            report = await checker.RunAsync(folder, lab, cancellationToken);
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
