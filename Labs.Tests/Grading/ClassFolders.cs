using System.Diagnostics;
using System.Text;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Grading;

/// <summary>
/// A class of eight students' clones, made for the test with real git: solutions, untouched
/// exercises, wrong answers, hostile answers, commits after the deadline, a folder that is not a
/// clone, an answer sheet in Latin-1, and a student half-way through. All dated June 2026; the
/// deadline is the 30th at 23:59.
/// </summary>
public sealed partial class ClassFolders : IDisposable
{
    public const string Deadline = "2026-06-30 23:59";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"mediai-class-{Guid.NewGuid():N}"[..24]);

    public static readonly string[] Students = ["ada", "ben", "chloe", "dan", "eve", "finn", "gus", "hana"];

    /// <param name="only">Some of the students (default: all eight).</param>
    public static ClassFolders Create(params string[] only)
    {
        var folders = new ClassFolders();
        Directory.CreateDirectory(folders.Root);
        var make = new Dictionary<string, Action>
        {
            ["ada"] = folders.Ada,
            ["ben"] = folders.Ben,
            ["chloe"] = folders.Chloe,
            ["dan"] = folders.Dan,
            ["eve"] = folders.Eve,
            ["finn"] = folders.Finn,
            ["gus"] = folders.Gus,
            ["hana"] = folders.Hana,
        };
        foreach (var student in only.Length > 0 ? only : Students)
        {
            make[student]();
        }

        return folders;
    }

    /// <summary>Every answer right, pushed part by part: three commits.</summary>
    private void Ada()
    {
        var clone = Init("ada");
        CopyInto(LabCheck.Solutions, Exercises(clone), f => f.StartsWith("part1", StringComparison.Ordinal) || f.StartsWith("part2", StringComparison.Ordinal));
        Commit(clone, "Part 1 and 2 done", "2026-06-10 10:00");
        CopyInto(LabCheck.Solutions, Exercises(clone), f => f.StartsWith("part3", StringComparison.Ordinal) || f.StartsWith("part4", StringComparison.Ordinal));
        Commit(clone, "Part 3 and 4 done", "2026-06-20 10:00");
        CopyInto(LabCheck.Solutions, Exercises(clone));
        Commit(clone, "FINAL SUBMISSION", "2026-06-29 18:00");
    }

    /// <summary>The exercises as handed out: one commit, nothing done.</summary>
    private void Ben()
    {
        var clone = Init("ben");
        Commit(clone, "start", "2026-06-01 09:00");
    }

    /// <summary>The solutions with three honest mistakes: Tokyo's view takes Tunis's rows (1.1), a count of models instead of exams (3.2), the consultation rolled back (4b).</summary>
    private void Chloe()
    {
        var clone = Init("chloe");
        CopyInto(LabCheck.Solutions, Exercises(clone));
        Edit(clone, "part1/1.1-horizontal.sql", s => s.Replace("WHERE siteOrigin = 'Tokyo'", "WHERE siteOrigin = 'Tunis'", StringComparison.Ordinal));
        Edit(clone, "part3/3.2-ai-model-performance.sql", s => s.Replace("COUNT(*) AS nb_exams", "COUNT(DISTINCT mr.aiModelUsed) AS nb_exams", StringComparison.Ordinal));
        Edit(clone, "part4/4b-emergency-consultation.sql", s => s.Replace("\nCOMMIT;", "\nROLLBACK;", StringComparison.Ordinal));
        Commit(clone, "all parts", "2026-06-28 20:00");
    }

    /// <summary>
    /// The solutions with hostile statements: a DROP TABLE (1.1), a lock on the whole table (2.1),
    /// an endless statement (3.1), COPY TO PROGRAM (3.2), lifting the time limit (3.3), a prepared
    /// transaction left holding its locks (4a), a fake lab_sites to fool the graders (5.4).
    /// </summary>
    private void Dan()
    {
        var clone = Init("dan");
        CopyInto(LabCheck.Solutions, Exercises(clone));
        Edit(clone, "part1/1.1-horizontal.sql", s => Insert(s, "-- [1.1]", "DROP TABLE patients CASCADE;"));
        Edit(clone, "part2/2.1-replication.sql", s => Insert(s, "-- [2.1]", "LOCK TABLE patients IN ACCESS EXCLUSIVE MODE;"));
        Edit(clone, "part3/3.1-colocated-join.sql", s => Insert(s, "-- [3.1]", "SELECT pg_sleep(100000);"));
        Edit(clone, "part3/3.2-ai-model-performance.sql", s => Insert(s, "-- [3.2]", "COPY (SELECT 1) TO PROGRAM 'touch /tmp/mediai-pwned';"));
        Edit(clone, "part3/3.3-repartition-join.sql", s => Insert(s, "-- [3.3]", "SET statement_timeout = 0;"));
        Edit(clone, "part4/4a-prepare-transaction.sql", s => s + "\nBEGIN;\nINSERT INTO ConsultationLog (patient, note) VALUES ('Dan', 'holding locks');\nPREPARE TRANSACTION 'dan_holds_locks';\n");
        Edit(clone, "part5/5.4-skew.sql", s => Insert(s, "-- [5.4]", "CREATE TABLE lab_sites AS SELECT * FROM public.lab_sites;"));
        Commit(clone, "done", "2026-06-30 12:00");
    }

    /// <summary>Nothing done before the deadline; the solutions pushed two days late.</summary>
    private void Eve()
    {
        var clone = Init("eve");
        Commit(clone, "start", "2026-06-15 09:00");
        CopyInto(LabCheck.Solutions, Exercises(clone));
        Commit(clone, "late", "2026-07-02 09:00");
    }

    /// <summary>The solutions copied into a folder that is not a clone.</summary>
    private void Finn() => CopyInto(LabCheck.Solutions, Path.Combine(Root, "finn", "exercises"));

    /// <summary>The solutions, with answers.md saved in Latin-1 by an old editor.</summary>
    private void Gus()
    {
        var clone = Init("gus");
        CopyInto(LabCheck.Solutions, Exercises(clone));
        var answers = Path.Combine(Exercises(clone), "answers.md");
        File.WriteAllBytes(answers, Encoding.Latin1.GetBytes(File.ReadAllText(answers) + "\nRéponse écrite sous Windows.\n"));
        Commit(clone, "done", "2026-06-29 09:00");
    }

    /// <summary>Parts 1 and 2 done, the rest as handed out, but every written answer filled in.</summary>
    private void Hana()
    {
        var clone = Init("hana");
        CopyInto(LabCheck.Solutions, Exercises(clone), f => f.StartsWith("part1", StringComparison.Ordinal) || f.StartsWith("part2", StringComparison.Ordinal) || f == "answers.md");
        Commit(clone, "Parts 1 and 2", "2026-06-25 09:00");
    }

    /// <summary>A clone of the lab's exercises, as GitHub Classroom hands it out.</summary>
    private string Init(string student)
    {
        var clone = Path.Combine(Root, student);
        CopyInto(LabCheck.Exercises, Exercises(clone));
        Git(clone, null, "init", "-q", "-b", "main");
        return clone;
    }

    private static string Exercises(string clone) => Path.Combine(clone, "exercises");

    private static void Edit(string clone, string file, Func<string, string> change)
    {
        var path = Path.Combine(Exercises(clone), file);
        var text = File.ReadAllText(path);
        var changed = change(text);
        Assert.NotEqual(text, changed); // the solutions still read as the mistake expects
        File.WriteAllText(path, changed);
    }

    private static string Insert(string text, string marker, string statement)
    {
        var at = text.IndexOf("\n" + marker, StringComparison.Ordinal) + 1; // the marker itself, not a comment naming it
        var end = text.IndexOf('\n', at);
        return text[..(end + 1)] + statement + "\n" + text[(end + 1)..];
    }

    private static void CopyInto(string from, string to, Func<string, bool>? only = null)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file).Replace('\\', '/');
            if (only is null || only(relative))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative), overwrite: true);
            }
        }
    }

    private static void Commit(string clone, string message, string date)
    {
        Git(clone, null, "add", "-A");
        Git(clone, date, "commit", "-q", "--allow-empty", "-m", message);
    }

    private static void Git(string clone, string? date, params string[] args)
    {
        var start = new ProcessStartInfo("git", ["-C", clone, "-c", "user.name=Student", "-c", "user.email=student@example.org", .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (date is not null)
        {
            start.Environment["GIT_AUTHOR_DATE"] = start.Environment["GIT_COMMITTER_DATE"] = $"{date}:00 +0000";
        }

        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        foreach (var folder in new[] { Root, Template, OtherTemplate }.Concat(_extra).Where(Directory.Exists))
        {
            if (Environment.GetEnvironmentVariable("MEDIAI_KEEP_CLASS") is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
