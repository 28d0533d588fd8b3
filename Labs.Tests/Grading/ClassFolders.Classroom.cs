using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Grading;

/// <summary>
/// A class as GitHub Classroom makes it: the professor's template repository (the lab's exercises/
/// and solutions/), and each student's repository born as one "Initial commit" holding the
/// template's files, then the student's own commits. Three students: ines commits part by part but
/// edits a file of solutions/; jules commits everything once, at 23:58 on the deadline's day; kim
/// commits part by part and touches nothing else. The deadline is 2026-06-30 23:59 UTC.
/// </summary>
public sealed partial class ClassFolders
{
    public const string ClassroomDeadline = "2026-06-30T23:59:00+00:00";

    /// <summary>The template repository's clone (outside the class folder, as a professor keeps it).</summary>
    public string Template => Path.Combine(Root + "-template");

    /// <summary>A repository that is no version of the template: its solutions/ differ from the first commit on.</summary>
    public string OtherTemplate => Path.Combine(Root + "-other");

    public static ClassFolders AsClassroomMakesThem()
    {
        var folders = new ClassFolders();
        Directory.CreateDirectory(folders.Root);
        MakeTemplate(folders.Template, "2026-05-20 10:00", edit: null);
        MakeTemplate(folders.OtherTemplate, "2026-05-20 10:00", edit: s => s + "\n-- another course's version\n");

        var ines = folders.Accept("ines", "2026-06-01 08:00");
        var jules = folders.Accept("jules", "2026-06-02 08:00");
        var kim = folders.Accept("kim", "2026-06-01 09:00");
        // The template changed after the students accepted the assignment: what each was handed is what counts.
        File.AppendAllText(Path.Combine(folders.Template, "solutions", "README.md"), "\nErratum: 2.1's factor is set before distributing.\n");
        Commit(folders.Template, "Erratum in the solutions", "2026-06-05 10:00");

        CopyInto(LabCheck.Solutions, Exercises(ines), f => f.StartsWith("part1", StringComparison.Ordinal));
        Commit(ines, "Part 1 done", "2026-06-10 18:00");
        File.AppendAllText(Path.Combine(ines, "solutions", "part1", "1.1-horizontal.sql"), "\n-- my answer was right after all\n");
        CopyInto(LabCheck.Solutions, Exercises(ines), f => f.StartsWith("part2", StringComparison.Ordinal));
        Commit(ines, "Part 2 done", "2026-06-20 18:00");
        CopyInto(LabCheck.Solutions, Exercises(ines));
        Commit(ines, "FINAL SUBMISSION - all parts completed", "2026-06-29 21:00");

        CopyInto(LabCheck.Solutions, Exercises(jules));
        Commit(jules, "FINAL SUBMISSION - all parts completed", "2026-06-30 23:58");

        CopyInto(LabCheck.Solutions, Exercises(kim), f => f.StartsWith("part1", StringComparison.Ordinal) || f.StartsWith("part2", StringComparison.Ordinal));
        Commit(kim, "Parts 1 and 2 done", "2026-06-12 17:00");
        CopyInto(LabCheck.Solutions, Exercises(kim));
        Commit(kim, "FINAL SUBMISSION - all parts completed", "2026-06-30 23:30"); // in the last hour, but not the only commit
        return folders;
    }

    /// <summary>One more student of the same class who accepted the assignment and never committed (outside <see cref="ClassFolders.Root"/>'s class, so the class's expectations stay).</summary>
    public string AcceptedOnly(string student)
    {
        var clone = Accept(student, "2026-06-01 10:00");
        var outside = Path.Combine(Root + "-" + student);
        Directory.Move(clone, outside);
        _extra.Add(outside);
        return outside;
    }

    private readonly List<string> _extra = [];

    /// <summary>The template: the lab's exercises/ as handed out and its solutions/, one commit.</summary>
    private static void MakeTemplate(string repository, string date, Func<string, string>? edit)
    {
        CopyInto(LabCheck.Exercises, Path.Combine(repository, "exercises"));
        CopyInto(LabCheck.Solutions, Path.Combine(repository, "solutions"));
        if (edit is not null)
        {
            var file = Path.Combine(repository, "solutions", "part1", "1.1-horizontal.sql");
            File.WriteAllText(file, edit(File.ReadAllText(file)));
        }

        Git(repository, null, "init", "-q", "-b", "main");
        Commit(repository, "Initial commit", date);
    }

    /// <summary>What accepting the assignment makes: a new repository whose one commit holds the template's files as they were.</summary>
    private string Accept(string student, string date)
    {
        var clone = Path.Combine(Root, student);
        Git(Root, null, "clone", "-q", Template, clone);
        // The template's history is not the student's: one new root commit with the same tree (what "Use this template" does).
        Git(clone, null, "checkout", "-q", "--orphan", "assignment");
        Commit(clone, "Initial commit", date);
        Git(clone, null, "branch", "-q", "-D", "main");
        Git(clone, null, "branch", "-q", "-m", "main");
        Git(clone, null, "remote", "remove", "origin");
        return clone;
    }
}
