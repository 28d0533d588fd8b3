using System.Collections.Concurrent;
using System.Diagnostics;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Core.Grading;
using MediAI.Coordinator.Core.Sessions;
using MediAI.Coordinator.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Classroom;

/// <summary>
/// Grades every student's clone in a folder against this one lab, in two passes. First, in
/// parallel: Parts 1–3, 5 and the reflections, each student's SQL as their own role in their own
/// schema (<see cref="StudentSandbox"/>). Then, one student at a time: Part 4 replayed from their
/// files (<see cref="Part4Replay"/>) and graded on what it left, then removed. Each grade is saved
/// as soon as it is known (<see cref="GradebookStore"/>); the gradebook is written at the end.
/// </summary>
/// <param name="adminConnectionString">The grading's own sessions as the lab's administrator (see <see cref="ClassGradingFactory"/>), opened once the job starts.</param>
/// <param name="replayOn">Part 4's replay over those sessions.</param>
/// <param name="points">The points per question (exercises/points.json): each grade's points and mark.</param>
public sealed class ClassGrading(ClassParameters parameters, LabPoints points, LabClusterOptions lab, string adminConnectionString, Func<NpgsqlDataSource, Part4Replay> replayOn) : ILabJob
{
    /// <summary>
    /// Not graded per student on a shared lab: 4e's reader races a commit held at Tokyo (one
    /// session against another, by hand); 5.5 rebalances the class's one cluster.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotReplayed = new Dictionary<string, string>
    {
        ["4e"] = "not graded in class grading: 4e is two sessions racing a commit held at Tokyo, run by hand on the student's own lab; grade 4e there (check exercises, or autograde)",
        ["5.5"] = "not graded in class grading: rebalancing moves the whole class's shared data; grade 5.5 on the student's own lab (check exercises)",
    };

    /// <summary>On an existing cluster (external mode) Part 4 is not replayed: its faults and crashes need the lab's own nodes and agents.</summary>
    private static readonly IReadOnlyDictionary<string, string> Part4OnSharedCluster = LabQuestions.All.Where(q => q.Part == 4).ToDictionary(
        q => q.Id, _ => "not graded on an existing cluster (external mode): Part 4 is replayed with a site's link dropped and the coordinator killed, which only the lab's own nodes and agents do; grade Part 4 on the student's own lab (check exercises)");

    private readonly List<string> _students = ClassFolder.Students(parameters.Folder, parameters.Out);

    /// <summary>Set while a student's Part 4 replay is under way: the cleanup then puts the lab back to it.</summary>
    private Part4Replay.Baseline? _baseline;
    private NpgsqlDataSource? _admin;

    /// <summary>The professor's template clone, read once before the job starts (null without --template).</summary>
    private SolutionsTemplate? _template;
    private Part4Replay? _replay;

    private NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException("the job has not started");

    private Part4Replay Replay => _replay ?? throw new InvalidOperationException("the job has not started");

    /// <summary>The answers taken out of the clones, for this run only.</summary>
    private string Work => Path.Combine(parameters.Out, ".work");

    public string Description => $"class grading of {_students.Count} folder(s) in {parameters.Folder}{(parameters.At is { } at ? $", each at its last commit before {at:yyyy-MM-dd HH:mm zzz}" : "")}";

    public async Task<string?> RefusalAsync(CancellationToken cancellationToken)
    {
        if (_students.Count == 0)
        {
            return $"{parameters.Folder} holds no student folder: put one clone per student in it (git clone <url> {parameters.Folder}/<name>).";
        }

        if (parameters.OwnLab && (_students.Count > 1 || lab.External))
        {
            return lab.External
                ? "ownLab: an existing cluster (external mode) is shared, not one student's own: grade without ownLab."
                : $"ownLab grades one student on a lab of their own, and {parameters.Folder} holds {_students.Count}: grade a class without ownLab.";
        }

        if (parameters.Template is { } template)
        {
            try
            {
                _template = await SolutionsTemplate.ReadAsync(template, cancellationToken);
            }
            catch (Exception e) when (e is StudentFolderException or InvalidOperationException)
            {
                return $"The template {template} cannot be read with git ({e.Message}): give a clone of the assignment's template repository (git clone <its url>).";
            }
        }

        await using var connection = new NpgsqlConnection(adminConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            return $"The lab does not answer ({e.Message}). {lab.CoordinatorDownAdvice}";
        }

        // A student's SQL reads what is not in their schema from public: what a run of the exercises by
        // hand left there would answer for students who never made it.
        var made = LabQuestions.Creates.Values.SelectMany(v => v).Append("consultationlog").Select(n => n.ToLowerInvariant()).ToArray(); // as pg_class spells unquoted names
        await using (var left = new NpgsqlCommand("SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY 1) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)", connection))
        {
            left.Parameters.Add(new NpgsqlParameter { Value = made });
            if (await left.ExecuteScalarAsync(cancellationToken) is string names)
            {
                return $"This lab's schema public holds {names}, made by running the exercises on it by hand: students who did not make them would be graded on these. Drop them (DROP VIEW … / DROP TABLE …, or DROP … CASCADE), then start the grading again.";
            }
        }

        // Only a replay would trip on them: on an existing cluster (external mode) Part 4 is not replayed.
        if (!lab.External)
        {
            await using var part4 = new NpgsqlCommand(Part4Replay.LeftoversSql, connection);
            if (await part4.ExecuteScalarAsync(cancellationToken) is long rows && rows > 0)
            {
                return $"This lab holds {rows} row(s) of an earlier Part 4 run (patient 16's consultations): every student's replay would find them. Reset lab data (dashboard → coordinator-api → Reset lab data), then start the grading again.";
            }
        }

        return null;
    }

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var store = new GradebookStore(parameters.Out);
        var rules = new HandoutRules(_template, parameters.BurstMinutes);
        _admin = NpgsqlDataSource.Create(adminConnectionString);
        _replay = replayOn(_admin);
        LabInfo info;
        await using (var probe = await Admin.OpenConnectionAsync(cancellationToken))
        {
            info = await LabInfo.LoadAsync(probe, cancellationToken);
            if (info.Citus && !lab.External)
            {
                // A run stopped by a site going down mid-commit (a sandbox's role or schema is created on
                // every node in one distributed transaction) can leave it in doubt there, holding its
                // locks; the lab does not recover by itself. Resolved first, it cannot block this run.
                await FileRun.ExecuteAsync(probe, "SELECT recover_prepared_transactions()", cancellationToken);
            }
        }

        // Own lab: a third pass for what only a student's own lab may do (4e's held commit, 5.5's rebalance), after Part 4's.
        var ownLab = parameters.OwnLab && info.Citus;
        var total = _students.Count * (ownLab ? 3 : 2);
        long done = 0;
        void Step(string text) => progress.Report(Interlocked.Read(ref done), total, text);

        // Which commit each student is graded at; a grade saved for that commit is kept (the run resumes).
        var grades = new ConcurrentDictionary<string, StudentGrade>();
        var answers = new Dictionary<string, string>();
        foreach (var student in _students)
        {
            Step($"reading {student}'s clone");
            StudentGrade grade;
            try
            {
                var snapshot = await GitClone.SnapshotAsync(Path.Combine(parameters.Folder, student), parameters.At, rules, Path.Combine(Work, StudentSandbox.RoleFor(student)), cancellationToken);
                answers[student] = snapshot.Answers;
                grade = store.Find(student) is { } saved && saved.Commit == snapshot.Commit && saved.Problem is null ? saved
                    : new StudentGrade { Student = student, Commit = snapshot.Commit, CommitDate = snapshot.CommitDate, Commits = snapshot.Commits, CommitsAfterDeadline = snapshot.CommitsAfter };
                // The flags are read again on each run: another --template or --burst-minutes changes them, not the grades.
                grade = grade with
                {
                    SolutionsModified = snapshot.Solutions.Modified,
                    SolutionsCannotCompare = snapshot.Solutions.CannotCompare,
                    LateBurst = snapshot.LateBurst,
                };
            }
            catch (Exception e) when (e is StudentFolderException or IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
            {
                grade = StudentGrade.Ungradable(student, e.Message);
                await store.SaveAsync(grade, cancellationToken);
                progress.Log($"{student}: {e.Message}");
            }

            grades[student] = grade;
            if (grade.FirstPassDone)
            {
                Interlocked.Increment(ref done);
            }

            if (grade.Part4Done)
            {
                Interlocked.Increment(ref done);
            }

            if (ownLab && grade.OwnLabDone)
            {
                Interlocked.Increment(ref done);
            }
        }

        var resumed = _students.Where(s => grades[s] is { Problem: null } g && (g.FirstPassDone || g.Part4Done)).ToList();
        if (resumed.Count > 0)
        {
            progress.Log($"resuming: kept the grades of {string.Join(", ", resumed)} (graded at the same commit by an earlier run)");
        }

        // Pass 1, in parallel: everything but Part 4, each student in their own sandbox.
        var firstPassClock = Stopwatch.StartNew();
        var firstPass = new CheckScope(q => q.Part != 4, NotReplayed, Sandboxed: true);
        await Parallel.ForEachAsync(_students.Where(s => !grades[s].FirstPassDone), new ParallelOptions { MaxDegreeOfParallelism = parameters.Parallel, CancellationToken = cancellationToken }, async (student, ct) =>
        {
            Step($"grading {student} (Parts 1–3, 5)");
            await LabAnswersAsync(student, ct);
            var report = await GradeAsync(student, answers[student], firstPass, null, ct);
            await LabAnswersAsync(student, ct);
            var grade = grades[student] = grades[student].With(report.Questions) with { FirstPassDone = true };

            await store.SaveAsync(grade, ct);
            Interlocked.Increment(ref done);
            progress.Log($"{student}: {grade.Passed} passed, {grade.Failed} failed so far (Parts 1–3, 5)");
        });

        var firstPassSeconds = firstPassClock.Elapsed.TotalSeconds;

        // Pass 2, one student at a time: Part 4 replayed (it kills the coordinator twice), graded, removed.
        var part4Clock = Stopwatch.StartNew();
        if (lab.External)
        {
            // Tokyo's faults and Paris's crashes are the lab's own agents' and nodes': none on a shared cluster.
            foreach (var student in _students.Where(s => !grades[s].Part4Done))
            {
                var report = await GradeAsync(student, answers[student], new CheckScope(q => q.Part == 4, Part4OnSharedCluster, Sandboxed: true), (_, _) => Task.CompletedTask, cancellationToken);
                grades[student] = grades[student].With(report.Questions) with { Part4Done = true };
                await store.SaveAsync(grades[student], cancellationToken);
                Interlocked.Increment(ref done);
            }
        }

        var baseline = lab.External ? default : await Replay.BaselineAsync(info.Citus, cancellationToken);
        foreach (var student in _students.Where(s => !grades[s].Part4Done && baseline is not null))
        {
            Step($"replaying {student}'s Part 4");
            await LabAnswersAsync(student, cancellationToken);
            _baseline = baseline;
            var errors = new Dictionary<string, IReadOnlyList<string>>();
            var report = await GradeAsync(student, answers[student], new CheckScope(q => q.Part == 4, NotReplayed, Sandboxed: true, errors),
                async (sandbox, ct) =>
                {
                    foreach (var (id, list) in await Replay.ReplayAsync(sandbox, answers[student], baseline!, ct))
                    {
                        errors[id] = list;
                    }
                }, cancellationToken);
            await Replay.PutBackAsync(baseline!, cancellationToken);
            _baseline = null;
            await LabAnswersAsync(student, cancellationToken);
            grades[student] = grades[student].With(report.Questions) with { Part4Done = true };
            await store.SaveAsync(grades[student], cancellationToken);
            Interlocked.Increment(ref done);
            progress.Log($"{student}: {grades[student].Passed} passed, {grades[student].Failed} failed");
        }

        // Pass 3, on a student's own lab only: 4e's writer and 5.5 run as they ran them, then graded on what they left.
        foreach (var student in _students.Where(s => ownLab && !grades[s].OwnLabDone))
        {
            Step($"replaying {student}'s 4e and 5.5 (a held commit and a rebalance of their own lab)");
            await LabAnswersAsync(student, cancellationToken);
            // 4e's replay adds a consultation: graded, then removed, so that the lab grades a next commit as it graded this one.
            var ownBaseline = _baseline = await Replay.BaselineAsync(info.Citus, cancellationToken);
            var report = await OwnLabAsync(student, answers[student], cancellationToken);
            await Replay.PutBackAsync(ownBaseline, cancellationToken);
            _baseline = null;
            grades[student] = grades[student].With(report.Questions) with { OwnLabDone = true };
            await store.SaveAsync(grades[student], cancellationToken);
            Interlocked.Increment(ref done);
        }

        // What this lab cannot grade is at stake for nobody: one denominator for the whole class.
        var notGradedHere = LabQuestions.All
            .Where(q => (q.NeedsCitus && !info.Citus) || (NotReplayed.ContainsKey(q.Id) && !ownLab) || (lab.External && q.Part == 4))
            .Select(q => q.Id)
            .ToList();
        var possible = points.Possible(notGradedHere);
        var book = new Gradebook($"{lab.Coordinator.Host}:{lab.Coordinator.Port}/{LabSites.Database} (PostgreSQL {info.Server}{(info.Citus ? $", Citus {info.CitusVersion}" : ", no Citus")})",
            parameters.At, DateTimeOffset.UtcNow,
            [.. _students.Select(s => grades[s] with { Points = points.Earned(grades[s].Questions), PointsPossible = possible })],
            points.PerQuestion);
        await book.WriteAsync(parameters.Out, cancellationToken);
        progress.Report(total, total, $"gradebook written to {parameters.Out}");
        return new
        {
            students = _students.Count,
            needHelp = book.NeedHelp().Select(s => s.Student).ToList(),
            flags = book.Flags(parameters.BurstMinutes).ToList(),
            csv = Path.Combine(parameters.Out, Gradebook.CsvFile),
            marks = Path.Combine(parameters.Out, Gradebook.MarksFile),
            json = Path.Combine(parameters.Out, Gradebook.JsonFile),
            html = Path.Combine(parameters.Out, Gradebook.HtmlFile),
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            firstPassSeconds = Math.Round(firstPassSeconds, 1),
            part4Seconds = Math.Round(part4Clock.Elapsed.TotalSeconds, 1),
        };
    }

    /// <summary>One pass for one student: their sandbox made, optionally their files replayed in it, the questions graded as their role, the sandbox dropped.</summary>
    private async Task<CheckReport> GradeAsync(string student, string folder, CheckScope scope, Func<StudentSandbox, CancellationToken, Task>? before, CancellationToken ct)
    {
        try
        {
            await using var sandbox = await StudentSandbox.CreateAsync(Admin, lab, student, parameters.TimeoutSeconds, ct);
            if (before is not null)
            {
                await before(sandbox, ct);
            }

            var checker = new LabChecker(sandbox.Session, new FragmentationChecker(sandbox.Session, Options.Create(new QueryLimits())), parameters.TimeoutSeconds, scope);
            return await checker.RunAsync(folder, student, ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or HttpRequestException && !ct.IsCancellationRequested)
        {
            throw (Exception?)await LabProbe.DownAsync(Admin, lab, student, e, ct) ?? new InvalidOperationException($"grading {student} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// The questions <see cref="NotReplayed"/> on a shared lab, on the student's own: their files run as
    /// the lab's administrator (citus_add_node and the rebalancer need it; the lab is theirs alone),
    /// PostgreSQL's errors on the way failing the question, then graded on what the files left.
    /// </summary>
    private async Task<CheckReport> OwnLabAsync(string student, string folder, CancellationToken ct)
    {
        var errors = new Dictionary<string, IReadOnlyList<string>>();
        try
        {
            foreach (var question in LabQuestions.All.Where(q => NotReplayed.ContainsKey(q.Id) && q.SqlFile is not null))
            {
                var list = new List<string>();
                if (question.Id == "4e")
                {
                    // 4e's graded file is its reader (\watch, by hand): its writer is what left the rows.
                    await Replay.HeldConsultationAsync(Admin, folder, list, ct);
                }
                else if (await WithoutBlanksAsync(folder, question.SqlFile!, ct))
                {
                    // (A file with blanks left fails for them; run, its complete statements would rebalance the lab half-way.)
                    await Part4Replay.RunFileAsync(Admin, folder, question.SqlFile!, list, ct);
                }

                errors[question.Id] = list;
            }

            var checker = new LabChecker(Admin, new FragmentationChecker(Admin, Options.Create(new QueryLimits())), parameters.TimeoutSeconds,
                new CheckScope(q => NotReplayed.ContainsKey(q.Id), new Dictionary<string, string>(), Sandboxed: false, errors));
            return await checker.RunAsync(folder, student, ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            throw (Exception?)await LabProbe.DownAsync(Admin, lab, student, e, ct) ?? new InvalidOperationException($"grading {student}'s own lab failed: {e.Message}", e);
        }
    }

    private static async Task<bool> WithoutBlanksAsync(string folder, string relative, CancellationToken ct)
    {
        try
        {
            return await AnswerFile.LoadAsync(folder, relative, ct) is { } file && file.Sections.All(s => s.BlankLines.Count == 0);
        }
        catch (UnreadableFileException)
        {
            return false; // the grader names it
        }
    }

    /// <summary>Before and after a student's pass: if the lab does not answer now, their grade may be the lab's fault, so it is not kept.</summary>
    private async Task LabAnswersAsync(string student, CancellationToken ct)
    {
        if (await LabProbe.DownAsync(Admin, lab, student, null, ct) is { } down)
        {
            throw down;
        }
    }

    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(Work))
        {
            Directory.Delete(Work, recursive: true);
        }

        if (_admin is null)
        {
            return; // it never started
        }

        await using var admin = _admin;
        if (_baseline is { } baseline)
        {
            // Stopped mid-replay: Tokyo's fault healed, Paris started, the student's rows removed.
            await Replay.PutBackAsync(baseline!, cancellationToken);
        }

        // Sandboxes a stopped run left (their sessions, their prepared transactions, their objects). Dropping
        // a role needs every node: with a site down it fails, and the next run drops them first.
        var left = new List<string>();
        foreach (var role in await StudentSandbox.LeftAsync(admin, cancellationToken))
        {
            try
            {
                await StudentSandbox.DropAsync(admin, role, cancellationToken);
            }
            catch (NpgsqlException)
            {
                left.Add(role);
            }
        }

        if (left.Count > 0)
        {
            throw new InvalidOperationException($"the grading roles {string.Join(", ", left)} could not be dropped now (is every site up?): the next class grading drops them first");
        }
    }
}
