using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// The checker on the Citus cluster: the untouched exercises pass nothing; a student who works
/// through the solutions — running Part 4 by hand, with Tokyo's link dropped after PREPARE and its
/// COMMIT PREPARED held from its agent, then Part 5 on generated data with the fifth site — passes every question, and
/// Parts 1–4 grade the same before and after the load.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class CitusCheckerTests(CitusCluster cluster)
{
    [Fact]
    public async Task Untouched_exercises_pass_nothing_and_the_solutions_pass_everything()
    {
        Installations.RequireCitus();
        var port = cluster.Coordinator.Port;
        string? answered = null;
        try
        {
            var untouched = await LabCheck.RunAsync(LabCheck.Exercises, port, "--json");
            Assert.Equal(1, untouched.ExitCode);
            Assert.All(untouched.Questions, q => Assert.Equal("fail", q.GetProperty("outcome").GetString()));
            Assert.StartsWith("12.1", untouched.Report.GetProperty("citus").GetString());

            // Part 4 as the student runs it: 4a and 4b in psql; 4c with Tokyo's link dropped after it prepares.
            await StudentRunsAsync("part4/4a-prepare-transaction.sql");
            await StudentRunsAsync("part4/4b-emergency-consultation.sql");
            (await cluster.Agent("tokyo").Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();
            var failure = await StudentRunsAsync("part4/4c-site-failure.sql");
            Assert.Contains("WARNING:  failed to commit transaction on", failure.Error);
            Assert.Contains(" recover_prepared_transactions \n-------------------------------\n                             1", failure.Output);

            // 4d: the coordinator killed before, then after its commit record; back, reconnected, recovered.
            foreach (var (preset, file) in new[] { ("crash-coordinator-before-commit-record", "before"), ("crash-coordinator-after-commit-record", "after") })
            {
                (await cluster.Agent("tokyo").Http.PostAsync($"/presets/{preset}", null)).EnsureSuccessStatusCode();
                var crashed = await Psql.RunAsync(port, await File.ReadAllTextAsync(Path.Combine(LabCheck.Solutions, $"part4/4d-crash-{file}.sql")), database: "mediAI");
                Assert.Contains("server closed the connection unexpectedly", crashed.Error);
                (await cluster.Agent("paris").Http.PostAsync("/node/start", null)).EnsureSuccessStatusCode();
                NpgsqlConnection.ClearAllPools(); // this process's pooled sessions died with Paris
                var recovered = await StudentRunsAsync("part4/4d-coordinator-crash.sql");
                Assert.Contains(" recover_prepared_transactions \n-------------------------------\n ", recovered.Output);
            }

            // 4e: the night emergency with Tokyo's next COMMIT PREPARED held 3 s (the dashboard's preset).
            // Its readers are watched by hand: 4e is graded on what the commit left and on the answer.
            (await cluster.Agent("tokyo").Http.PostAsync(AgentRoutes.HoldCommitPrepared, null)).EnsureSuccessStatusCode();
            var held = await StudentRunsAsync("part4/4e-consultation.sql");
            Assert.Matches(@"tokyo_records \| paris_bills *\n-+\+-+\n +1 \| +1 *\n", held.Output); // both halves, once COMMIT answered

            // Before any generated data: Parts 1–4 pass; Part 5 says what to load.
            var before = await LabCheck.RunAsync(LabCheck.Solutions, port, "--json");
            Assert.All(before.Questions.Where(q => q.GetProperty("part").GetInt32() != 5), q => Assert.True(q.GetProperty("outcome").GetString() == "pass", q.ToString()));
            Assert.Contains("no generated data (schema lab_scale)", before.Reasons("5.1"));

            // Part 5: generated data (skewed, as 5.4 asks), then 5.5 run by the student on the fifth site — twice, as a student repeats it.
            await using (var api = await TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value))
            {
                await DataGeneratorTests.GenerateAsync(api.Http, new { patients = 20_000, seed = 3, skewed = true });
            }

            foreach (var run in new[] { 1, 2 })
            {
                var rebalanced = await StudentRunsAsync("part5/5.5-rebalance.sql");
                Assert.Contains("Dakar", rebalanced.Output);
            }

            // The answer sheet's [5.5] gives the moves of the lab the solutions were run on (4). The
            // rebalancer balances size on disk, which the tests run before this one change (rows
            // added and deleted, shards moved and back): a student answers with their own lab's
            // number, and so does this copy of the solutions.
            var moves = (long)(await cluster.Coordinator.QueryAsync(LabSites.Database,
                "SELECT (SELECT count(*) FROM pg_dist_background_task t WHERE t.job_id = j.job_id) FROM pg_dist_background_job j WHERE job_type = 'rebalance' ORDER BY job_id DESC LIMIT 1"))[0][0]!;
            answered = Checker.PlainCheckerTests.CopyOfSolutions();
            Checker.PlainCheckerTests.Edit(answered, "answers.md", "The rebalancer (job 1) made 4 moves", $"The rebalancer (job 1) made {moves} moves");

            var solutions = await LabCheck.RunAsync(answered, port, "--json");

            Assert.True(solutions.ExitCode == 0, solutions.Output + solutions.Error);
            Assert.Equal(32, solutions.Questions.Count);
            Assert.All(solutions.Questions, q => Assert.True(q.GetProperty("outcome").GetString() == "pass", q.ToString()));
            // Parts 1–4 grade the same after the load: the same verdicts, for the same reasons — but 1.4a's
            // answer ("shards per table", from pg_dist_shard) now rightly counts lab_scale's tables too.
            foreach (var q in before.Questions.Where(q => q.GetProperty("part").GetInt32() <= 4))
            {
                var id = q.GetProperty("id").GetString()!;
                Assert.Equal((id, before.Outcome(id)), (id, solutions.Outcome(id)));
                Assert.Equal((id, before.Reasons(id)), (id, id == "1.4a" ? before.Reasons(id) : solutions.Reasons(id)));
            }

            // No fifth node left in the cluster, every country at its site (the 5.5 grade says so too).
            Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT 1 FROM pg_dist_node n JOIN lab_spare_sites s USING (nodename, nodeport)"));
        }
        finally
        {
            await cluster.Agent("tokyo").Http.PostAsync("/reset", null);
            await cluster.Agent("paris").Http.PostAsync("/node/start", null);
            await Psql.RunAsync(port, "DROP TABLE IF EXISTS ConsultationLog;", database: "mediAI");
            await PutBackAfterPart5Async();
            await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
            if (answered is not null)
            {
                Directory.Delete(answered, recursive: true);
            }
        }
    }

    /// <summary>If 5.5 stopped half-way, the solution's own last steps take Dakar out and send every country home, for the tests after this one.</summary>
    private async Task PutBackAfterPart5Async()
    {
        var file = await File.ReadAllTextAsync(Path.Combine(LabCheck.Solutions, "part5/5.5-rebalance.sql"));
        await Psql.RunAsync(cluster.Coordinator.Port,
            "SELECT citus_rebalance_stop() WHERE EXISTS (SELECT 1 FROM pg_dist_background_job WHERE state IN ('scheduled', 'running'));\n"
            + file[file.IndexOf("-- Put everything back", StringComparison.Ordinal)..], stopOnError: false, database: "mediAI");
    }

    [Fact]
    public async Task While_tokyo_is_in_doubt_4c_fails_and_says_how_to_recover()
    {
        Installations.RequireCitus();
        var port = cluster.Coordinator.Port;
        var insert = """
            BEGIN;
            INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
            VALUES (16, 'Japan', NOW()::DATE, 'Emergency follow-up', 'Recovering', 'DiagNet-3', 0.9120, 'v3.2');
            INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
            VALUES (16, 'France', NOW(), 'follow-up', 80, 'EUR', 'pending');
            COMMIT;
            """;
        try
        {
            (await cluster.Agent("tokyo").Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();
            await Psql.RunAsync(port, insert, stopOnError: false, database: "mediAI");

            var check = await LabCheck.RunAsync(LabCheck.Solutions, port, "--json");

            Assert.Equal("fail", check.Outcome("4c"));
            Assert.Contains("1 transaction(s) still in doubt at Tokyo: heal the site, then on the coordinator SELECT recover_prepared_transactions();", check.Reasons("4c"));
            Assert.Contains("the follow-up record (MedicalRecords, country 'Japan') is not at Tokyo", check.Reasons("4c"));
            Assert.DoesNotContain("follow-up bill", check.Reasons("4c")); // committed at Paris already
        }
        finally
        {
            await cluster.Agent("tokyo").Http.PostAsync("/reset", null);
            await Psql.RunAsync(port, "SELECT recover_prepared_transactions();", database: "mediAI");
            await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_checker_never_writes_what_a_students_explain_names()
    {
        Installations.RequireCitus();
        var folder = MediAI.Labs.Tests.Checker.PlainCheckerTests.CopyOfSolutions();
        var text = await File.ReadAllTextAsync(Path.Combine(folder, "part3/3.1-colocated-join.sql"));
        var marker = text.IndexOf("-- [3.1b]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder, "part3/3.1-colocated-join.sql"),
            text[..marker] + "-- [3.1b]\nEXPLAIN (VERBOSE) DELETE FROM Patients WHERE country = 'Tunisia';\n");

        var check = await LabCheck.RunAsync(folder, cluster.Coordinator.Port, "--json");

        Assert.Equal("fail", check.Outcome("3.1b"));
        Assert.Contains("cannot execute DELETE in a read-only transaction", check.Reasons("3.1b"));
        Assert.Equal(20L, (long)(await cluster.Coordinator.QueryAsync("mediAI", "SELECT count(*) FROM Patients"))[0][0]);
    }

    private async Task<Psql.Result> StudentRunsAsync(string file)
    {
        var run = await Psql.RunAsync(cluster.Coordinator.Port, await File.ReadAllTextAsync(Path.Combine(LabCheck.Solutions, file)), stopOnError: false, database: "mediAI");
        Assert.True(run.ExitCode == 0 && !run.Error.Contains("ERROR", StringComparison.Ordinal), $"{file}: {run.Error}");
        return run;
    }
}
