using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using MediAI.Coordinator.Core.Grading;

namespace MediAI.Coordinator.Classroom;

/// <summary>Why a student's folder cannot be graded (not a clone, no commit before the deadline …): their grade says so.</summary>
public sealed class StudentFolderException(string message) : Exception(message);

/// <summary>A student's clone at the commit graded: which commit, how many led to it, and their answers taken out of it.</summary>
/// <param name="CommitsAfter">Commits after the deadline (ignored, but the professor sees them).</param>
/// <param name="Answers">A folder holding the commit's exercises/ (answers.md, part1/ …).</param>
/// <param name="Solutions">What the commit changed under solutions/ (<see cref="SolutionsCheck"/>).</param>
/// <param name="LateBurst">Every commit of the student's in the last minutes before the deadline (<see cref="Classroom.LateBurst"/>).</param>
public sealed record StudentSnapshot(string Commit, DateTimeOffset CommitDate, int Commits, int CommitsAfter, string Answers, SolutionsModification Solutions, bool? LateBurst);

/// <summary>How the handout's rules are read from the clones: the template (null: each clone's first commit) and the burst's length.</summary>
public sealed record HandoutRules(SolutionsTemplate? Template, int BurstMinutes);

/// <summary>
/// Reads a student's clone with git: the last commit before the deadline, and that commit's answer
/// files (git archive, so the clone's working tree and index stay untouched, and what was never
/// committed is never graded). Runs git with safe.directory=* since the clones belong to whoever
/// cloned them, not to the lab's process.
/// </summary>
public static class GitClone
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<StudentSnapshot> SnapshotAsync(string clone, DateTimeOffset? at, HandoutRules rules, string into, CancellationToken ct)
    {
        if (!Directory.Exists(Path.Combine(clone, ".git")) && !File.Exists(Path.Combine(clone, ".git")))
        {
            throw new StudentFolderException($"{Path.GetFileName(clone)} is not a git clone (no .git): clone the student's repository there (git clone <url> {Path.GetFileName(clone)})");
        }

        var before = at is { } deadline ? $"--before={deadline.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}" : null;
        var commit = (await TextAsync(clone, ct, ["rev-list", "-1", .. before is null ? Array.Empty<string>() : [before], "HEAD"])).Trim();
        if (commit.Length == 0)
        {
            var first = (await TextAsync(clone, ct, "log", "--reverse", "--format=%cI", "HEAD")).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            throw new StudentFolderException(first is null ? "the clone has no commit" : $"no commit before the deadline {at:yyyy-MM-dd HH:mm zzz} (the first is from {first})");
        }

        var date = DateTimeOffset.Parse((await TextAsync(clone, ct, "show", "-s", "--format=%cI", commit)).Trim(), CultureInfo.InvariantCulture);
        var count = int.Parse((await TextAsync(clone, ct, "rev-list", "--count", commit)).Trim(), CultureInfo.InvariantCulture);
        var after = int.Parse((await TextAsync(clone, ct, "rev-list", "--count", $"{commit}..HEAD")).Trim(), CultureInfo.InvariantCulture);
        var answers = await ExtractAsync(clone, commit, into, ct);
        var roots = await RootsAsync(clone, commit, ct);
        var solutions = await SolutionsCheck.CompareAsync(clone, commit, roots, rules.Template, ct);
        var burst = await LateBurst.FindAsync(clone, commit, roots, at, rules.BurstMinutes, ct);
        return new StudentSnapshot(commit, date, count, after, answers, solutions, burst);
    }

    /// <summary>The commit's answer files (exercises/, or the repository's root if it is the answers themselves) into <paramref name="into"/>.</summary>
    private static async Task<string> ExtractAsync(string clone, string commit, string into, CancellationToken ct)
    {
        var tar = new MemoryStream(await RunAsync(clone, ct, "archive", "--format=tar", commit));
        var entries = new List<(string Name, byte[] Data)>();
        await using (var reader = new TarReader(tar))
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                // Files only: a student's symlink (to /etc/passwd, say) is not followed, and nothing lands outside the folder.
                // A file somewhat over AnswerFile's limit is still taken out, so the grade says it is too big; a huge one is left.
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data
                    && !entry.Name.Split('/').Contains("..") && entry.Length <= AnswerFile.MaxBytes * 4L
                    && (entry.Name.EndsWith(".sql", StringComparison.Ordinal) || entry.Name.EndsWith(".md", StringComparison.Ordinal)))
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy, ct);
                    entries.Add((entry.Name, copy.ToArray()));
                }
            }
        }

        var prefix = entries.Any(e => e.Name == $"exercises/{LabQuestions.AnswerSheet}") ? "exercises/"
            : entries.Any(e => e.Name == LabQuestions.AnswerSheet) ? ""
            : throw new StudentFolderException($"commit {commit[..8]} has no exercises/{LabQuestions.AnswerSheet}: is this a clone of the lab's repository?");
        if (Directory.Exists(into))
        {
            Directory.Delete(into, recursive: true);
        }

        foreach (var (name, data) in entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var path = Path.Combine(into, name[prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, data, ct);
        }

        return into;
    }

    /// <summary>The commits with no parent that <paramref name="commit"/> descends from: with Classroom, its one "Initial commit".</summary>
    internal static async Task<IReadOnlyList<string>> RootsAsync(string clone, string commit, CancellationToken ct) =>
        (await TextAsync(clone, ct, "rev-list", "--max-parents=0", commit)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    internal static async Task<string> TextAsync(string clone, CancellationToken ct, params string[] args) =>
        System.Text.Encoding.UTF8.GetString(await RunAsync(clone, ct, args));

    private static async Task<byte[]> RunAsync(string clone, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("git", ["-c", "safe.directory=*", "-C", clone, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["GIT_TERMINAL_PROMPT"] = "0", ["LC_ALL"] = "C" },
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"git cannot be run ({e.Message}): install git on the machine that runs the lab", e);
        }

        using (process)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(Limit);
            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output, limit.Token);
            var error = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await Task.WhenAll(copy, error, process.WaitForExitAsync(limit.Token));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new StudentFolderException($"git {args[0]} took over {Limit.TotalSeconds:0} s in this clone");
            }

            if (process.ExitCode != 0)
            {
                throw new StudentFolderException($"git {args[0]} failed in this clone: {(await error).Trim()}");
            }

            return output.ToArray();
        }
    }
}
