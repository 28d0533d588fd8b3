using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.AppHost.Setup;
using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.Core.Grading;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MediAI.Labs.Tests.Grading;

/// <summary>
/// Class grading on plain PostgreSQL (no Citus needed, so it runs everywhere): the real checker
/// command with --class, through the real API's job. The questions that need Citus are skipped;
/// the rest shows the deadline, the folders that cannot be graded, hostile SQL contained, the
/// gradebook's three files, a resumed second run, and the lab left as it was.
/// </summary>
public sealed class PlainClassGradingTests : IAsyncLifetime
{
    private static readonly string[] NeedCitus = ["1.4a", "1.4b", "2.1", "2.1b", "3.1", "3.1b", "3.3", "4b", "4c", "4d", "4e", "5.1", "5.1b", "5.2", "5.2b", "5.3", "5.4", "5.4b"];

    private TestPostgres _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestPostgres.StartAsync(Installations.Plain, "class");
        await new ClusterBootstrapper(LabConfig.For([_server, _server, _server, _server]), NullLogger<ClusterBootstrapper>.Instance).RunAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_checker_grades_a_class_through_the_job_and_a_second_run_resumes()
    {
        using var students = ClassFolders.Create();
        await using var api = await TestCoordinator.StartAsync(LabConfig.For([_server, _server, _server, _server]).Value);
        string[] command = ["--class", students.Root, "--at", ClassFolders.Deadline, "--api", api.Http.BaseAddress!.ToString(), "--timeout", "5"];

        var run = await LabCheck.RunArgsAsync(command);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("Graded 8 student folder(s)", run.Output);
        Assert.Contains("summary.html", run.Output);
        Assert.Contains("Need help (", run.Output);
        var book = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(students.Root, "_gradebook", "gradebook.json")));
        JsonElement Student(string name) => book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == name);
        string Outcome(string name, string id) => Question(Student(name), id).GetProperty("outcome").GetString()!;
        string Reasons(string name, string id) => string.Join("\n", Question(Student(name), id).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        // The solutions: everything plain PostgreSQL can answer passes (Part 4a replayed); the rest is skipped.
        foreach (var q in Student("ada").GetProperty("questions").EnumerateArray())
        {
            var id = q.GetProperty("id").GetString()!;
            Assert.Equal((id, NeedCitus.Contains(id) || id == "5.5" ? "skipped" : "pass"), (id, q.GetProperty("outcome").GetString()));
        }

        // Hostile SQL fails with PostgreSQL's reason, and changed nothing.
        Assert.Contains("must be owner of table patients", Reasons("dan", "1.1"));
        Assert.Contains("pg_execute_server_program", Reasons("dan", "3.2"));
        Assert.Contains("'dan_holds_locks' is still prepared", Reasons("dan", "4a"));
        Assert.Equal("pass", Outcome("dan", "4a") == "fail" ? Outcome("dan", "1.2") : "4a should fail");

        // What cannot be graded says why; the late commit is not graded, but counted.
        Assert.All(Student("finn").GetProperty("questions").EnumerateArray(), q => Assert.Contains("is not a git clone", q.GetProperty("reasons")[0].GetString()));
        Assert.Contains("answers.md is not UTF-8 (line", Reasons("gus", "1.1"));
        Assert.Equal("pass", Outcome("gus", "1.2")); // its SQL files are fine
        Assert.Equal((1, 1), (Student("eve").GetProperty("commits").GetInt32(), Student("eve").GetProperty("commitsAfterDeadline").GetInt32()));
        Assert.Equal("fail", Outcome("eve", "1.1"));
        Assert.Equal(3, Student("ada").GetProperty("commits").GetInt32());

        // A row per student and question; the summary names who needs help.
        Assert.Equal(1 + (8 * 32), File.ReadAllLines(Path.Combine(students.Root, "_gradebook", "gradebook.csv")).Length);

        // marks.csv, a row per student for a learning platform: exercises/points.json's points (one a question as shipped)
        // over the questions this lab grades (plain PostgreSQL: the 13 that need no Citus; 5.5 never in class grading),
        // the same for every student, even one whose untouched files fail the others; the mark out of 20.
        var marks = File.ReadAllLines(Path.Combine(students.Root, "_gradebook", "marks.csv"));
        Assert.Equal("student,points,points_possible,mark_20,solutions_modified,late_burst,problem", marks[0]);
        Assert.Equal(9, marks.Length);
        Assert.Contains("ada,13,13,20.0,,false,", marks);
        Assert.Contains("ben,0,13,0.0,,false,", marks);
        Assert.Contains(marks, l => l.StartsWith("chloe,11,13,16.9,", StringComparison.Ordinal)); // 1.1 and 3.2 wrong; 4b needs Citus
        Assert.Contains(marks, l => l.StartsWith("finn,0,13,0.0,,,", StringComparison.Ordinal) && l.Contains("is not a git clone", StringComparison.Ordinal));
        Assert.Contains("Marks:     ", run.Output);
        var html = File.ReadAllText(Path.Combine(students.Root, "_gradebook", "summary.html"));
        Assert.Contains("<td>ben</td>", html[html.IndexOf("Students who need help", StringComparison.Ordinal)..]);

        // Nothing of the students is left in the lab.
        Assert.Equal(20L, await ScalarAsync("SELECT count(*) FROM patients"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'grade\\_%'"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_prepared_xacts"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'consultationlog'"));

        // The same command again: every grade is kept (same commits), the gradebook is the same.
        var again = await LabCheck.RunArgsAsync(command);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        var jobs = await api.Http.GetFromJsonAsync<JsonElement>("/jobs");
        Assert.Contains(jobs[0].GetProperty("progress").GetProperty("log").EnumerateArray(), l => l.GetString()!.Contains("resuming: kept the grades of ada, ben, chloe, dan, eve, gus, hana", StringComparison.Ordinal));
        var second = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(students.Root, "_gradebook", "gradebook.json")));
        Assert.Equal(book.GetProperty("students").ToString(), second.GetProperty("students").ToString());
    }

    [Fact]
    public async Task The_gradebook_flags_who_edited_solutions_and_who_committed_everything_at_the_last_minute()
    {
        using var students = ClassFolders.AsClassroomMakesThem();
        await using var api = await TestCoordinator.StartAsync(LabConfig.For([_server, _server, _server, _server]).Value);
        string[] command = ["--class", students.Root, "--at", ClassFolders.ClassroomDeadline, "--api", api.Http.BaseAddress!.ToString(), "--timeout", "5"];
        (string Solutions, string Burst) Flags(JsonElement book, string name)
        {
            var student = book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == name);
            var solutions = student.GetProperty("solutionsCannotCompare").ValueKind == JsonValueKind.String
                ? "cannot compare: " + student.GetProperty("solutionsCannotCompare").GetString()
                : string.Join("; ", student.GetProperty("solutionsModified").EnumerateArray().Select(f => f.GetString()));
            return (solutions, student.GetProperty("lateBurst").ToString());
        }

        JsonElement Book() => JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(students.Root, "_gradebook", "gradebook.json")));

        // Against each clone's first commit (Classroom's "Initial commit"): exactly ines and jules, each for their reason.
        var run = await LabCheck.RunArgsAsync(command);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var book = Book();
        Assert.Equal(("solutions/part1/1.1-horizontal.sql", "False"), Flags(book, "ines"));
        Assert.Equal(("", "True"), Flags(book, "jules"));
        Assert.Equal(("", "False"), Flags(book, "kim"));
        Assert.Contains("Flag: ines: solutions/ modified (solutions/part1/1.1-horizontal.sql)", run.Output);
        Assert.Contains("Flag: jules: every commit in the 60 minutes before the deadline (late burst)", run.Output);
        Assert.DoesNotContain("Flag: kim", run.Output);
        // The flags change no grade: jules's answers are the solutions, and pass like kim's.
        Assert.Equal(
            book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == "kim").GetProperty("questions").ToString(),
            book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == "jules").GetProperty("questions").ToString());
        var csv = File.ReadAllLines(Path.Combine(students.Root, "_gradebook", "gradebook.csv"));
        Assert.StartsWith("student,commit,commit_date,commits,commits_after_deadline,solutions_modified,late_burst,question,", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("ines,", StringComparison.Ordinal) && l.Contains(",solutions/part1/1.1-horizontal.sql,false,1.1,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("jules,", StringComparison.Ordinal) && l.Contains(",,true,1.1,", StringComparison.Ordinal));
        var html = File.ReadAllText(Path.Combine(students.Root, "_gradebook", "summary.html"));
        var flags = html[html.IndexOf("<h2>Flags", StringComparison.Ordinal)..html.IndexOf("<h2>Every student", StringComparison.Ordinal)];
        Assert.Contains("<td>ines</td><td>solutions/part1/1.1-horizontal.sql</td>", flags);
        Assert.Contains("<td>jules</td><td></td><td>every commit just before the deadline</td>", flags);
        Assert.DoesNotContain("kim", flags);

        // Against the professor's template clone: the version each was handed (the template changed since), the same flags;
        // a burst of 3 minutes still catches jules's 23:58.
        var withTemplate = await LabCheck.RunArgsAsync([.. command, "--template", students.Template, "--burst-minutes", "3"]);
        Assert.True(withTemplate.ExitCode == 0, withTemplate.Output + withTemplate.Error);
        book = Book();
        Assert.Equal(("solutions/part1/1.1-horizontal.sql", "False"), Flags(book, "ines"));
        Assert.Equal(("", "True"), Flags(book, "jules"));
        Assert.Equal(("", "False"), Flags(book, "kim"));
        Assert.Contains("in the 3 minutes before the deadline", withTemplate.Output);

        // A template none of them was made from: said, not guessed.
        var other = await LabCheck.RunArgsAsync([.. command, "--template", students.OtherTemplate]);
        Assert.True(other.ExitCode == 0, other.Output + other.Error);
        book = Book();
        foreach (var name in new[] { "ines", "jules", "kim" })
        {
            Assert.StartsWith("cannot compare: the first commit (", Flags(book, name).Solutions);
            Assert.Contains($"that no commit of the template {students.OtherTemplate} has", Flags(book, name).Solutions);
        }

        // A template folder that is no clone, a burst of no minutes: refused, naming the option.
        var notAClone = await LabCheck.RunArgsAsync([.. command, "--template", students.Root, "--burst-minutes", "0"]);
        Assert.Equal(2, notAClone.ExitCode);
        Assert.Contains("is not a git clone (no .git)", notAClone.Error);
        Assert.Contains("--burst-minutes", notAClone.Error);
    }

    [Fact]
    public async Task A_lab_or_a_request_that_cannot_be_graded_is_refused_saying_what_to_do()
    {
        using var students = ClassFolders.Create();
        await using var api = await TestCoordinator.StartAsync(LabConfig.For([_server, _server, _server, _server]).Value);

        // A relative folder, a date that is none, too many at once: each named.
        using (var wrong = await api.Http.PostAsJsonAsync("/jobs/class-grading", new { folder = "class", at = "tomorrow", parallel = 50 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("must be a full path", errors.GetProperty("folder")[0].GetString());
            Assert.Contains("must be a date and time", errors.GetProperty("at")[0].GetString());
            Assert.Contains("from 1 to 8", errors.GetProperty("parallel")[0].GetString());
        }

        // A points file with a typo: refused, naming the file and the question.
        var points = Path.Combine(students.Root, "_points.json");
        File.WriteAllText(points, File.ReadAllText(Path.Combine(LabCheck.Exercises, "points.json")).Replace("\"1.2b\": 1", "\"1.2b\": -1", StringComparison.Ordinal));
        using (var wrong = await api.Http.PostAsJsonAsync("/jobs/class-grading", new { folder = students.Root, points }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Equal($"{points}: \"part1\".\"1.2b\" is -1: points are whole numbers, 0 or more.", errors.GetProperty("points")[0].GetString());
        }

        // A view left in public by a run of the exercises by hand would answer for students who never made it: refused.
        await ExecuteAsync("CREATE VIEW public.TrainingData_Paris AS SELECT * FROM TrainingData WHERE siteOrigin = 'Paris'");
        try
        {
            var refused = await LabCheck.RunArgsAsync("--class", students.Root, "--api", api.Http.BaseAddress!.ToString());
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("holds trainingdata_paris", refused.Error);
            Assert.False(Directory.Exists(Path.Combine(students.Root, "_gradebook")));
        }
        finally
        {
            await ExecuteAsync("DROP VIEW public.TrainingData_Paris");
        }

        // No lab API at that address: said, with how to start it.
        var nobody = await LabCheck.RunArgsAsync("--class", students.Root, "--api", $"http://127.0.0.1:{FreePorts.FirstFree(31_000, new HashSet<int>()).ToString(CultureInfo.InvariantCulture)}");
        Assert.Equal(2, nobody.ExitCode);
        Assert.Contains("Cannot reach the coordinator API", nobody.Error);
    }

    private static JsonElement Question(JsonElement student, string id) =>
        student.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("id").GetString() == id);

    private async Task<long> ScalarAsync(string sql) => (long)(await _server.QueryAsync(LabSites.Database, sql))[0][0]!;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString(LabSites.Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
