using System.Diagnostics;
using MediAI.Coordinator.Core.Grading;
using MediAI.Labs.Tests.Grading;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// GitHub Classroom's autograding as the workflow runs it, minus GitHub: scripts/autograde-start.sh
/// starts the lab in container mode with a Citus image and generates the data, then `autograde
/// --part N` grades, for each part, repositories made as Classroom makes them (one "Initial commit"
/// of the template, then the student's commits): the solutions earn every part's points; a
/// repository never worked on earns none, each question with its reason.
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class AutogradeTests
{
    /// <summary>The script's own limit for the lab to be ready (AUTOGRADE_START_SECONDS): it then prints the lab's last lines.</summary>
    private const int ReadySeconds = 600;

    /// <summary>The build, the lab's start, and 1,000,000 patients generated, on a machine the other collections keep busy.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(ReadySeconds) + TimeSpan.FromMinutes(5);

    /// <summary>The first step grades everything: Parts 1–3 and 5, Part 4 replayed with its faults, 5.5's rebalance.</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(8);

    [Fact]
    [NeedsCitus]
    public async Task After_the_start_script_the_solutions_earn_every_parts_points_and_an_untouched_repository_none_each_question_with_its_reason()
    {
        ContainerEngine.RequireCitus();
        var (prefix, port) = ContainerLabTests.Fresh();
        var state = Directory.CreateTempSubdirectory("mediai-autograde-state-").FullName;
        var work = Directory.CreateTempSubdirectory("mediai-autograde-work-").FullName;
        using var classroom = ClassFolders.AsClassroomMakesThem();
        var solved = Path.Combine(classroom.Root, "kim"); // committed part by part, the solutions in exercises/ at the end
        var untouched = classroom.AcceptedOnly("lou");
        var points = LabPoints.Read(Path.Combine(LabCheck.Exercises, LabPoints.FileName));
        try
        {
            var start = await ScriptAsync(state, StartLimit, "scripts/autograde-start.sh",
                [.. ContainerLabTests.LabArgs(ContainerEngine.CitusImage!, prefix, port), "--Lab:StartProgressSeconds=2"]);
            Assert.True(start.ExitCode == 0, start.Output);
            Assert.Contains("Lab ready after", start.Output);
            // While it started, the lab said what it still waited for, by name.
            Assert.Matches(@"Still starting after \d+ s, waiting for: .*cluster-bootstrap: ", File.ReadAllText(Path.Combine(state, "lab.log")));
            Assert.Matches(@"lab_scale\.patients\s+1,000,000 rows", start.Output);

            foreach (var part in LabPoints.Parts)
            {
                var name = part == LabPoints.ReflectionsPart ? "reflections" : $"{part}";
                var title = part == LabPoints.ReflectionsPart ? "Reflections" : $"Part {part}";
                var total = points.Total(part);

                var pass = await LabCheck.RunArgsAsync(StepLimit, "autograde", "--part", name, "--repo", solved, "--work", Path.Combine(work, "kim"));
                Assert.True(pass.ExitCode == 0, $"{title} on the solutions:\n{pass.Output}\n{pass.Error}");
                Assert.Contains($"{title}: {total} of {total} points. Passed.", pass.Output);
                // The first step grades everything once; the next ones read that grade (same commit, same lab).
                Assert.Equal(part == LabPoints.Parts[0], pass.Output.Contains("grading kim (Parts 1–3, 5)", StringComparison.Ordinal));

                var fail = await LabCheck.RunArgsAsync(StepLimit, "autograde", "--part", name, "--repo", untouched, "--work", Path.Combine(work, "lou"));
                Assert.True(fail.ExitCode == 1, $"{title} untouched:\n{fail.Output}\n{fail.Error}");
                Assert.Contains($"{title}: 0 of {total} points by question", fail.Output);
                var lines = fail.Output.Split('\n');
                var questions = lines.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("  FAIL ", StringComparison.Ordinal)).ToList();
                Assert.Equal(LabQuestions.All.Count(q => q.Part == part), questions.Count);
                Assert.All(questions, q => Assert.StartsWith(new string(' ', 19), lines[q.i + 1])); // each with its reason under it
                Assert.DoesNotContain("  PASS ", fail.Output);
            }
        }
        finally
        {
            await ScriptAsync(state, TimeSpan.FromMinutes(2), "scripts/autograde-stop.sh", []);
            await ContainerLabTests.AssertNothingLeftAsync();
            ContainerEngine.RemoveVolumes(prefix);
            Directory.Delete(state, recursive: true);
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_lab_that_cannot_start_stops_the_start_script_at_once_naming_the_failing_node()
    {
        ContainerEngine.Require();
        var (prefix, port) = ContainerLabTests.Fresh();
        var state = Directory.CreateTempSubdirectory("mediai-autograde-state-").FullName;
        try
        {
            ContainerLabTests.KeepTokyoDataOfPostgres14(prefix);
            // Well within the script's own limit: a script that waited for "ready" would be stopped by this one.
            var start = await ScriptAsync(state, TimeSpan.FromMinutes(5), "scripts/autograde-start.sh",
                [.. ContainerLabTests.LabArgs(ContainerEngine.PlainImage, prefix, port)]);
            Assert.True(start.ExitCode == 1, start.Output);
            Assert.Contains("The lab could not start. Its last lines:", start.Output);
            Assert.Contains("Tokyo's node (tokyo) stopped (exit code 1)", start.Output);
            Assert.Contains("made by PostgreSQL 14; this image runs PostgreSQL 15", start.Output);
            Assert.Contains("The lab is not ready", start.Output);
            Assert.DoesNotContain("Lab ready after", start.Output);
            Assert.False(File.Exists(Path.Combine(state, "lab.pid")), "the script stopped the lab it started");
        }
        finally
        {
            await ScriptAsync(state, TimeSpan.FromMinutes(2), "scripts/autograde-stop.sh", []);
            await ContainerLabTests.AssertNothingLeftAsync();
            ContainerEngine.RemoveVolumes(prefix);
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>A script of the repository run as the workflow's step runs it (bash, from the repository's root), its state kept in <paramref name="state"/>.</summary>
    private static async Task<(int ExitCode, string Output)> ScriptAsync(string state, TimeSpan limit, string script, string[] args)
    {
        var start = new ProcessStartInfo("bash", [script, .. args])
        {
            WorkingDirectory = Installations.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["AUTOGRADE_STATE"] = state, ["AUTOGRADE_START_SECONDS"] = $"{ReadySeconds}" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // The lab's own log says what it was doing (its "Still starting…" lines name what it waited for).
            var log = Path.Combine(state, "lab.log");
            var lab = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(40)) : "(no lab log)";
            throw new TimeoutException($"{script} did not finish within {limit.TotalMinutes:0} minutes:\n{await output}\n{await error}\nThe lab's last log lines:\n{lab}");
        }

        return (process.ExitCode, await output + await error);
    }
}
