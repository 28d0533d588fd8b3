using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Coordinator.Classroom;
using MediAI.Coordinator.Core.Grading;
using MediAI.Labs.Tests.Grading;
using MediAI.Labs.Tests.Infrastructure;
using MediAI.Labs.Tests.Jobs;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// A class graded in one job against the Citus lab: eight students' clones (see <see cref="ClassFolders"/>)
/// graded by the real API's job, each in a sandbox of their own, Part 4 replayed per student with
/// its faults and crashes. The gradebook must match grades written here by hand, question by
/// question; a site going down mid-run stops the run, which then resumes; and each student graded
/// again alone gets the same grades.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class ClassGradingTests(CitusCluster cluster)
{
    // P pass, F fail, S skipped — in the lab's question order:
    //                                     Part 1    Part 2  Part 3  Part 4  Part 5     Reflection
    //                                     1.1 … 1.4b 2.1 … 2.3 3.1 … 3.3 4a … 4e 5.1 … 5.5  R1 … R4
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["ada"] = /*   solutions           */ "PPPPPPP PPPP PPPP PPPPS PPPPPPPS PPPP",
        ["ben"] = /*   untouched exercises */ "FFFFFFF FFFF FFFF FFFFS FFFFFFFS FFFF",
        ["chloe"] = /* 1.1, 3.2, 4b wrong  */ "FPPPPPP PPPP PPFP PFPPS PPPPPPPS PPPP",
        ["dan"] = /*   hostile             */ "FPPPPPP FPPP FPFF FPPPS PPPPPFFS PPPP",
        ["eve"] = /*   late: graded as ben */ "FFFFFFF FFFF FFFF FFFFS FFFFFFFS FFFF",
        ["finn"] = /*  not a clone         */ "FFFFFFF FFFF FFFF FFFFF FFFFFFFF FFFF",
        ["gus"] = /*   answers.md Latin-1  */ "FPFPFFF PFFF FPFF FFFFS FPFPFFPS FFFF",
        ["hana"] = /*  Parts 1–2 only      */ "PPPPPPP PPPP FFFF FFFFS FFFFPFFS PPPP",
    };

    /// <summary>Why some of those fail, as the gradebook must say it.</summary>
    private static readonly (string Student, string Question, string Reason)[] Reasons =
    [
        ("dan", "1.1", "must be owner of table patients"),
        ("dan", "2.1", "permission denied"),
        ("dan", "3.1", "57014"),
        ("dan", "3.2", "pg_execute_server_program"),
        ("dan", "3.3", "the checker sets the role, search_path, time and resource limits itself"),
        ("dan", "4a", "'dan_holds_locks' is still prepared"),
        ("dan", "5.4", "hides the lab's table"),
        ("chloe", "4b", "is not at Tokyo"),
        ("finn", "1.1", "is not a git clone"),
        ("gus", "1.1", "answers.md is not UTF-8"),
        ("ada", "4e", "not graded in class grading: 4e is two sessions racing a commit held at Tokyo"),
        ("ada", "5.5", "not graded in class grading"),
    ];

    [Fact]
    public async Task A_class_is_graded_as_written_by_hand_and_resumes_after_a_site_went_down()
    {
        Installations.RequireCitus();
        using var students = ClassFolders.Create();
        await using var api = await TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value,
            // Service discovery as the AppHost gives it: the API reaches each agent by name (Part 4's faults and crashes).
            [.. LabSites.All.Select((s, i) => $"--services:{s.AgentName}:http:0={cluster.Agents[i].Http.BaseAddress!.ToString().TrimEnd('/')}")]);
        try
        {
            // Part 5 needs generated data, skewed for 5.4.
            await DataGeneratorTests.GenerateAsync(api.Http, new { patients = 20_000, seed = 3, skewed = true });
            var parameters = new { folder = students.Root, at = ClassFolders.Deadline, parallel = 2, timeout = 30 };

            // Tokyo goes down once the first student is graded: the run stops, naming it.
            var first = await StartAsync(api.Http, parameters);
            await JobPolling.UntilAsync(api.Http, first, job => Log(job).Any(l => l.Contains(" passed, ", StringComparison.Ordinal)), TimeSpan.FromMinutes(3));
            (await cluster.Agent("tokyo").Http.PostAsJsonAsync("/toxics", new { name = "test-down", type = "down" })).EnsureSuccessStatusCode();
            var stopped = await JobPolling.EndedAsync(api.Http, first, TimeSpan.FromMinutes(5));
            Assert.True(stopped.GetProperty("state").GetString() == "Failed", await api.Http.GetStringAsync("/jobs"));
            Assert.Contains("Tokyo", stopped.GetProperty("error").GetString());
            Assert.Contains("resumes with", stopped.GetProperty("error").GetString());
            await cluster.Agent("tokyo").Http.PostAsync("/reset", null);

            // Run again: it resumes from the grades saved, and ends with the whole gradebook.
            var second = await StartAsync(api.Http, parameters);
            var done = await JobPolling.EndedAsync(api.Http, second, TimeSpan.FromMinutes(15));
            Assert.True(done.GetProperty("state").GetString() == "Succeeded", done.ToString());
            Assert.Contains(Log(done), l => l.Contains(" resuming: kept the grades of ", StringComparison.Ordinal));

            var book = Gradebook(students.Root);
            foreach (var (student, expected) in Expected)
            {
                var codes = Codes(book, student);
                var wanted = expected.Replace(" ", "", StringComparison.Ordinal);
                // On a mismatch, say which questions and why, not only where.
                var why = string.Join("\n", LabQuestions.All.Select((q, i) => (q.Id, i)).Where(x => codes[x.i] != wanted[x.i]).Select(x => $"{x.Id}: {ReasonOf(book, student, x.Id)}"));
                Assert.True(codes == wanted, $"{student}: expected {wanted}, got {codes}\n{why}");
            }

            foreach (var (student, question, reason) in Reasons)
            {
                Assert.Contains(reason, ReasonOf(book, student, question));
            }

            // The deadline: ada's third commit, eve's first of two (one after the deadline), no commit for finn.
            Assert.Equal((3, 0), Commits(book, "ada"));
            Assert.Equal((1, 1), Commits(book, "eve"));
            Assert.Equal(JsonValueKind.Null, Student(book, "finn").GetProperty("commit").ValueKind);

            // The CSV has a row per student and question; the summary lists those who need help.
            var csv = File.ReadAllLines(Path.Combine(students.Root, "_gradebook", "gradebook.csv"));
            Assert.Equal(1 + (8 * 32), csv.Length);
            var html = File.ReadAllText(Path.Combine(students.Root, "_gradebook", "summary.html"));
            Assert.Contains("Students who need help", html);
            Assert.Contains("<td>finn</td>", html);
            Assert.DoesNotContain("<td>ada</td><td>0", html);

            // Nothing of any student is left in the lab: no role, no prepared transaction, no row, no table.
            Assert.Equal(20L, (long)(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT count(*) FROM patients"))[0][0]!);
            Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'grade\\_%'"));
            Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT gid FROM pg_prepared_xacts"));
            Assert.Equal(0L, (long)(await cluster.Coordinator.QueryAsync(LabSites.Database, Part4Replay.LeftoversSql))[0][0]!);
            Assert.False(File.Exists("/tmp/mediai-pwned"));

            // Each student graded alone, in a class of one: the same grades, for the same reasons.
            foreach (var student in ClassFolders.Students)
            {
                var alone = Directory.CreateDirectory(Path.Combine(students.Root, $"_alone_{student}")).FullName;
                Directory.CreateSymbolicLink(Path.Combine(alone, student), Path.Combine(students.Root, student));
                var again = await JobPolling.EndedAsync(api.Http, await StartAsync(api.Http, new { folder = alone, at = ClassFolders.Deadline, parallel = 2, timeout = 30 }), TimeSpan.FromMinutes(5));
                Assert.True(again.GetProperty("state").GetString() == "Succeeded", again.ToString());
                var single = Gradebook(alone);
                // On a mismatch, the questions that differ, each with both gradings (the whole JSON would be cut short).
                var inClass = Student(book, student).GetProperty("questions").EnumerateArray().ToList();
                var aloneQuestions = Student(single, student).GetProperty("questions").EnumerateArray().ToList();
                var differ = inClass.Zip(aloneQuestions).Where(p => p.First.ToString() != p.Second.ToString())
                    .Select(p => $"in the class: {p.First}\nalone: {p.Second}").ToList();
                Assert.True(inClass.Count == aloneQuestions.Count && differ.Count == 0, $"{student} graded alone differs:\n{string.Join("\n", differ)}");
            }
        }
        finally
        {
            await cluster.Agent("tokyo").Http.PostAsync("/reset", null);
            await cluster.Agent("paris").Http.PostAsync("/node/start", null);
            try
            {
                await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
            }
            catch (MediAI.Coordinator.Bootstrap.SiteException)
            {
                // A link Citus cached before Tokyo went down fails once ("failure on connection marked as essential").
                await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<string> StartAsync(HttpClient api, object parameters)
    {
        using var start = await api.PostAsJsonAsync("/jobs/class-grading", parameters);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, started.ToString());
        return started.GetProperty("id").GetString()!;
    }

    private static IEnumerable<string> Log(JsonElement job) => job.GetProperty("progress").GetProperty("log").EnumerateArray().Select(l => l.GetString()!);

    private static JsonElement Gradebook(string classFolder) =>
        JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(classFolder, "_gradebook", "gradebook.json")));

    private static JsonElement Student(JsonElement book, string student) =>
        book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == student);

    private static string Codes(JsonElement book, string student) =>
        string.Concat(Student(book, student).GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("outcome").GetString() switch
        {
            "pass" => 'P',
            "fail" => 'F',
            _ => 'S',
        }));

    private static string ReasonOf(JsonElement book, string student, string question) =>
        string.Join("\n", Student(book, student).GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("id").GetString() == question)
            .GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

    private static (int, int) Commits(JsonElement book, string student) =>
        (Student(book, student).GetProperty("commits").GetInt32(), Student(book, student).GetProperty("commitsAfterDeadline").GetInt32());
}
