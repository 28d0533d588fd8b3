using MediAI.Coordinator.Bootstrap;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MediAI.Labs.Tests.Checker;

/// <summary>A plain PostgreSQL lab (one server playing the four sites), bootstrapped: what a lab without Citus is.</summary>
public sealed class CheckerLab : IAsyncLifetime
{
    public TestPostgres Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestPostgres.StartAsync(Installations.Plain, "checker");
        await new ClusterBootstrapper(LabConfig.For([Server, Server, Server, Server]), NullLogger<ClusterBootstrapper>.Instance).RunAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// The checker command on plain PostgreSQL: the questions that need no Citus are graded, the
/// others say they need Citus. Runs the real command against a real server.
/// </summary>
public sealed class PlainCheckerTests(CheckerLab lab) : IClassFixture<CheckerLab>
{
    private static readonly string[] NeedCitus = ["1.4a", "1.4b", "2.1", "2.1b", "3.1", "3.1b", "3.3", "4b", "4c", "4d", "4e", "5.1", "5.1b", "5.2", "5.2b", "5.3", "5.4", "5.4b", "5.5"];

    [Fact]
    public async Task The_solutions_pass_every_question_plain_postgres_can_answer()
    {
        // Part 4a is checked on what the student's own run left: run it as a student does.
        var run = await Psql.RunAsync(lab.Server.Port, await File.ReadAllTextAsync(Path.Combine(LabCheck.Solutions, "part4/4a-prepare-transaction.sql")), database: LabSites.Database);
        Assert.True(run.ExitCode == 0, run.Error);

        var check = await LabCheck.RunAsync(LabCheck.Solutions, lab.Server.Port, "--json");

        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Equal(32, check.Questions.Count);
        foreach (var question in check.Questions)
        {
            var id = question.GetProperty("id").GetString()!;
            Assert.True(NeedCitus.Contains(id) ? check.Outcome(id) == "skipped" : check.Outcome(id) == "pass", $"{id}: {check.Outcome(id)} {check.Reasons(id)}");
        }

        Assert.Contains("needs Citus", check.Reasons("3.1"));
    }

    [Fact]
    public async Task The_untouched_exercises_report_every_blank_and_pass_nothing()
    {
        var check = await LabCheck.RunAsync(LabCheck.Exercises, lab.Server.Port, "--json");

        Assert.Equal(1, check.ExitCode);
        Assert.All(check.Questions, q => Assert.Equal("fail", q.GetProperty("outcome").GetString()));
        var reported = string.Join("\n", check.Questions.Select(q => check.Reasons(q.GetProperty("id").GetString()!)));
        var blanks = LabCheck.Blanks(LabCheck.Exercises).ToList();
        Assert.True(blanks.Count > 40, $"only {blanks.Count} blanks found: is the exercises folder there?");
        foreach (var blank in blanks)
        {
            Assert.Contains(blank + ": fill in the blank ___", reported);
        }
    }

    [Fact]
    public async Task Bad_sql_a_missing_view_and_a_timeout_are_named_and_the_rest_is_still_graded()
    {
        var folder = CopyOfSolutions();
        Edit(folder, "part1/1.1-horizontal.sql", "WHERE siteOrigin = 'Paris';", "WHERE siteOrigin = 'Paris' AND;");
        Edit(folder, "part1/1.2-vertical.sql", "CREATE OR REPLACE VIEW MedicalRecords_AI AS\n    SELECT idRecord, aiModelUsed, aiScore, aiVersion FROM MedicalRecords;", "");
        Edit(folder, "part3/3.2-ai-model-performance.sql", "GROUP BY", "AND pg_sleep(5) IS NOT NULL GROUP BY");

        var check = await LabCheck.RunAsync(folder, lab.Server.Port, "--json", "--timeout", "1");

        Assert.Equal(1, check.ExitCode);
        Assert.Equal("fail", check.Outcome("1.1"));
        Assert.Contains($"part1/1.1-horizontal.sql line {LineOf(folder, "part1/1.1-horizontal.sql", "CREATE OR REPLACE VIEW TrainingData_Paris")}: ERROR: syntax error at end of input (SQLSTATE 42601)", check.Reasons("1.1"));
        Assert.Equal("fail", check.Outcome("1.2"));
        Assert.Contains("view MedicalRecords_AI does not exist", check.Reasons("1.2"));
        Assert.Equal("fail", check.Outcome("3.2"));
        Assert.Contains("SQLSTATE 57014", check.Reasons("3.2"));
        // The other questions are graded as usual.
        foreach (var id in new[] { "1.3", "1.3b", "2.2", "R1" })
        {
            Assert.True(check.Outcome(id) == "pass", $"{id}: {check.Reasons(id)}");
        }

        // Grading ran the files in transactions it rolled back: nothing they created stayed.
        var left = await lab.Server.QueryAsync(LabSites.Database, "SELECT to_regclass('trainingdata_tunis') IS NULL AND to_regclass('trans_fr_financial') IS NULL");
        Assert.True((bool)left[0][0]);
    }

    [Fact]
    public async Task A_wrong_fragment_gets_the_property_it_breaks_and_the_rows_that_break_it()
    {
        var folder = CopyOfSolutions();
        Edit(folder, "part1/1.1-horizontal.sql", "WHERE siteOrigin = 'Tokyo';", "WHERE siteOrigin IN ('Tokyo', 'Paris');");

        var check = await LabCheck.RunAsync(folder, lab.Server.Port, "--json");

        Assert.Equal("fail", check.Outcome("1.1"));
        Assert.Contains("disjointness: rows found in two fragments, e.g. (TrainingData_Paris, TrainingData_Tokyo,", check.Reasons("1.1"));
        Assert.Contains("TrainingData_Tokyo must hold exactly the rows WHERE siteorigin = 'Tokyo'", check.Reasons("1.1"));
    }

    [Fact]
    public async Task A_marker_written_twice_and_columns_in_another_order_get_reasons_not_a_crash()
    {
        var folder = CopyOfSolutions();
        Edit(folder, "part1/1.3-hybrid.sql", "-- Tunisia, Canada, Japan", "-- [1.3] again\n-- Tunisia, Canada, Japan");
        Edit(folder, "part3/3.2-ai-model-performance.sql", "SELECT p.siteOrigin, mr.aiModelUsed, COUNT(*) AS nb_exams", "SELECT mr.aiModelUsed, p.siteOrigin AS site, COUNT(*) AS nb_exams");

        var check = await LabCheck.RunAsync(folder, lab.Server.Port, "--json");

        Assert.True(check.Outcome("1.3") == "pass", check.Reasons("1.3"));
        Assert.Equal("fail", check.Outcome("3.2"));
        Assert.Contains("your result has the columns (aimodelused, site, nb_exams, avg_score); the question asks for (siteorigin, aimodelused, nb_exams, avg_score)", check.Reasons("3.2"));
    }

    [Fact]
    public async Task The_terminal_report_names_each_question_and_counts()
    {
        var check = await LabCheck.RunAsync(LabCheck.Exercises, lab.Server.Port);

        Assert.Contains("  FAIL  1.1   Horizontal fragments of TrainingData, one view per site", check.Output);
        Assert.Contains(LabCheck.Blanks(LabCheck.Exercises).First(b => b.StartsWith("part1/1.1", StringComparison.Ordinal)) + ": fill in the blank ___", check.Output);
        Assert.Contains("0 passed, 32 failed, 0 skipped, of 32 questions.", check.Output);
    }

    [Fact]
    public async Task No_lab_or_no_folder_exits_2_with_what_to_do()
    {
        var noLab = await LabCheck.RunAsync(LabCheck.Exercises, FreeTcpPort());
        Assert.Equal(2, noLab.ExitCode);
        Assert.Contains("Cannot reach the lab at 127.0.0.1:", noLab.Error);
        Assert.Contains("dotnet run --project AppHost", noLab.Error);

        var noFolder = await LabCheck.RunAsync(Path.Combine(Path.GetTempPath(), "no-such-exercises"), lab.Server.Port);
        Assert.Equal(2, noFolder.ExitCode);
        Assert.Contains("There is no folder", noFolder.Error);
    }

    internal static string CopyOfSolutions()
    {
        var folder = Directory.CreateTempSubdirectory("mediai-answers-").FullName;
        foreach (var file in Directory.EnumerateFiles(LabCheck.Solutions, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(LabCheck.Solutions, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    internal static void Edit(string folder, string file, string from, string to)
    {
        var path = Path.Combine(folder, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static int LineOf(string folder, string file, string text) =>
        File.ReadAllLines(Path.Combine(folder, file)).ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
