using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: what the site agents see of real Citus traffic — per-site spans under the
/// client's trace, 2PC steps, and the handout's emergency consultation surviving a link dropped
/// right after Tokyo prepared.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class CitusTracingTests(CitusCluster cluster)
{
    private static (ActivityTraceId TraceId, string TraceParent) NewTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        return (traceId, $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
    }

    private async Task<IReadOnlyList<Activity>> SpansAsync(ActivityTraceId traceId, Func<IReadOnlyList<Activity>, bool> done)
    {
        IReadOnlyList<Activity> spans = [];
        for (var i = 0; i < 100; i++)
        {
            spans = cluster.Agents.SelectMany(a => a.Spans).Where(s => s.TraceId == traceId).ToList();
            if (done(spans))
            {
                break;
            }

            await Task.Delay(50);
        }

        return spans;
    }

    private static string SiteOf(Activity span) => (string)span.GetTagItem("mediai.site")!;

    /// <summary>The emergency consultation's two writes, in one transaction carrying <paramref name="traceParent"/>.</summary>
    private async Task<(long RecordId, long TransactionId)> EmergencyConsultationAsync(string traceParent, string examType)
    {
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand($"SET LOCAL mediai.traceparent = '{traceParent}'", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var record = new NpgsqlCommand("""
            INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
            VALUES (16, 'Japan', NOW()::DATE, $1, 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2')
            RETURNING idRecord
            """, connection) { Parameters = { new() { Value = examType } } };
        var recordId = (long)(await record.ExecuteScalarAsync())!;
        await using var billing = new NpgsqlCommand("""
            INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
            VALUES (16, 'France', NOW(), 'consultation', 150, 'EUR', 'pending')
            RETURNING idTrans
            """, connection);
        var transactionId = (long)(await billing.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return (recordId, transactionId);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_cross_site_query_gives_a_span_per_site_under_the_client_trace()
    {
        Installations.RequireCitus();
        var (traceId, traceParent) = NewTrace();
        await using (var connection = await cluster.Coordinator.OpenAsync("mediAI"))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var set = new NpgsqlCommand($"SET LOCAL mediai.traceparent = '{traceParent}'", connection);
            await set.ExecuteNonQueryAsync();
            await using var query = new NpgsqlCommand("SELECT country, count(*) FROM Patients GROUP BY country", connection);
            await using (var reader = await query.ExecuteReaderAsync())
            {
                var countries = 0;
                while (await reader.ReadAsync())
                {
                    countries++;
                }

                Assert.Equal(4, countries);
            }

            await transaction.CommitAsync();
        }

        var spans = await SpansAsync(traceId, s => s.Select(SiteOf).Distinct().Count() == 4);
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], spans.Select(SiteOf).Distinct().Order());
        foreach (var site in new[] { "paris", "tunis", "montreal", "tokyo" })
        {
            Assert.Contains(spans, s => SiteOf(s) == site && ((string?)s.GetTagItem("db.collection.name") ?? "").Contains("patients_", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_emergency_consultation_shows_prepare_and_commit_prepared_at_tokyo_and_paris()
    {
        Installations.RequireCitus();
        var (traceId, traceParent) = NewTrace();
        var (recordId, transactionId) = await EmergencyConsultationAsync(traceParent, "Emergency consultation (traced)");
        try
        {
            var spans = await SpansAsync(traceId, s => s.Count(x => x.DisplayName.EndsWith("COMMIT PREPARED", StringComparison.Ordinal)) >= 2);
            foreach (var site in new[] { "tokyo", "paris" })
            {
                var prepare = Assert.Single(spans, s => s.DisplayName == $"{site}: PREPARE TRANSACTION");
                var commit = Assert.Single(spans, s => s.DisplayName == $"{site}: COMMIT PREPARED");
                var gid = (string)prepare.GetTagItem("db.transaction.gid")!;
                Assert.StartsWith("citus_", gid);
                Assert.Equal(gid, commit.GetTagItem("db.transaction.gid"));
                Assert.Contains(spans, s => SiteOf(s) == site && s.DisplayName.Contains("INSERT", StringComparison.Ordinal));
            }

            Assert.Contains(spans, s => s.DisplayName.Contains("medicalrecords_", StringComparison.Ordinal) && SiteOf(s) == "tokyo");
            Assert.Contains(spans, s => s.DisplayName.Contains("transactions_", StringComparison.Ordinal) && SiteOf(s) == "paris");
            Assert.DoesNotContain(spans, s => SiteOf(s) is "tunis" or "montreal");
        }
        finally
        {
            await ExecuteAsync($"DELETE FROM MedicalRecords WHERE idRecord = {recordId} AND country = 'Japan'; DELETE FROM Transactions WHERE idTrans = {transactionId} AND country = 'France'");
        }
    }

    [Fact]
    public async Task A_read_while_tokyos_commit_prepared_is_held_names_tokyos_pending_gid_links_to_the_consultation_and_other_sites_name_none()
    {
        Installations.RequireCitus();
        var tokyo = cluster.Agent("tokyo");
        var tag = $"held-{Guid.NewGuid():N}";
        var (consultationTrace, consultationParent) = NewTrace();
        // Held until the test removes it: nothing below depends on how fast this machine is.
        await tokyo.AddFaultAsync(new { name = "hold-read", type = "delay_commit_prepared", attributes = new { delay = 60_000 } });
        Task<long>? consultation = null;
        try
        {
            consultation = Task.Run(async () =>
            {
                await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
                await using var transaction = await connection.BeginTransactionAsync();
                foreach (var sql in new[]
                {
                    $"SET LOCAL mediai.traceparent = '{consultationParent}'",
                    $"""
                    INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
                    VALUES (16, 'Japan', NOW()::DATE, '{tag}', 'held', 'DiagNet-3', 0.9, 'v3.2')
                    """,
                    $"INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status) VALUES (16, 'France', NOW(), '{tag}', 150, 'EUR', 'pending')",
                })
                {
                    await using var write = new NpgsqlCommand(sql, connection);
                    await write.ExecuteNonQueryAsync();
                }

                await transaction.CommitAsync(); // answers once Tokyo's COMMIT PREPARED is let through
                return 1L;
            });

            // Tokyo has voted yes (its gid is prepared there) and waits for its held COMMIT PREPARED.
            // (A read begun before Tokyo's PREPARE would meet no gid there: its Tokyo tasks came first.)
            var gid = "";
            for (var i = 0; i < 300 && gid.Length == 0; i++)
            {
                await using var tokyoNode = await cluster.Node("tokyo").OpenAsync("mediAI");
                await using var prepared = new NpgsqlCommand("SELECT coalesce(min(gid), '') FROM pg_prepared_xacts WHERE gid LIKE 'citus\\_%'", tokyoNode);
                gid = (string)(await prepared.ExecuteScalarAsync())!;
                Assert.False(consultation.IsCompleted, "the consultation committed while Tokyo's COMMIT PREPARED was held");
                await Task.Delay(100);
            }

            Assert.StartsWith("citus_", gid);

            // Then Paris has committed its half: a read through the coordinator sees the bill without the record.
            var halves = $"SELECT (SELECT count(*) FROM MedicalRecords WHERE examType = '{tag}') || '/' || (SELECT count(*) FROM Transactions WHERE type = '{tag}')";
            var (readTrace, readParent) = NewTrace();
            string seen = "";
            for (var i = 0; i < 300 && seen != "0/1"; i++)
            {
                (readTrace, readParent) = NewTrace();
                await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var set = new NpgsqlCommand($"SET LOCAL mediai.traceparent = '{readParent}'", connection))
                {
                    await set.ExecuteNonQueryAsync();
                }

                await using var read = new NpgsqlCommand(halves, connection);
                seen = (string)(await read.ExecuteScalarAsync())!;
                await transaction.CommitAsync();
                await Task.Delay(100);
            }

            Assert.Equal("0/1", seen); // a fractured read: the bill without the record
            // At each site, the read's spans say what was prepared there and undecided: Tokyo the
            // consultation (linked to its trace), the others nothing.
            var spans = await SpansAsync(readTrace, s => s.Select(SiteOf).Distinct().Count() >= 4);
            var reads = spans.Where(s => s.GetTagItem("mediai.read.pending_prepared_gids") is not null).ToList();
            var tokyoPrepare = Assert.Single(await SpansAsync(consultationTrace, c => c.Any(x => x.DisplayName == "tokyo: PREPARE TRANSACTION")),
                x => x.DisplayName == "tokyo: PREPARE TRANSACTION");
            Assert.Equal(["montreal", "paris", "tokyo", "tunis"], reads.Select(SiteOf).Distinct().Order());
            Assert.All(reads.Where(s => SiteOf(s) == "tokyo"), s =>
            {
                Assert.Equal(new[] { gid }, (string[]?)s.GetTagItem("mediai.read.pending_prepared_gids"));
                var link = Assert.Single(s.Links);
                Assert.Equal(consultationTrace, link.Context.TraceId);
                Assert.Equal(tokyoPrepare.SpanId, link.Context.SpanId); // Tokyo's vote, one click away
            });
            Assert.All(reads.Where(s => SiteOf(s) != "tokyo"), s =>
            {
                Assert.Equal(Array.Empty<string>(), (string[]?)s.GetTagItem("mediai.read.pending_prepared_gids"));
                Assert.Empty(s.Links);
            });
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            if (consultation is not null)
            {
                Assert.Equal(1L, await consultation.WaitAsync(TimeSpan.FromSeconds(30)));
            }

            Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM MedicalRecords WHERE examType = '{tag}'"));
            await ExecuteAsync($"DELETE FROM MedicalRecords WHERE examType = '{tag}'; DELETE FROM Transactions WHERE type = '{tag}'");
        }
    }

    [Fact]
    public async Task Dropping_tokyo_after_it_prepared_leaves_it_in_doubt_until_recovery_commits_both_rows()
    {
        Installations.RequireCitus();
        var tokyo = cluster.Agent("tokyo");
        (await tokyo.Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();
        var examType = $"Emergency consultation {Guid.NewGuid():N}";
        var (traceId, traceParent) = NewTrace();

        // The coordinator decided COMMIT (Paris committed); Tokyo's COMMIT PREPARED was lost with the link.
        var (recordId, transactionId) = await EmergencyConsultationAsync(traceParent, examType);
        try
        {
            await using (var tokyoNode = await cluster.Node("tokyo").OpenAsync("mediAI"))
            await using (var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'citus\\_%'", tokyoNode))
            {
                Assert.Equal(1L, await prepared.ExecuteScalarAsync());
            }

            Assert.Equal(0L, await CountAsync($"SELECT count(*) FROM MedicalRecords WHERE examType = '{examType}'"));
            Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM Transactions WHERE idTrans = {transactionId}"));

            // Heal (the fault was one-shot) and recover: Citus finds its commit record and commits at Tokyo.
            Assert.True(await CountAsync("SELECT recover_prepared_transactions()") >= 1);
            Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM MedicalRecords WHERE examType = '{examType}'"));
            Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM Transactions WHERE idTrans = {transactionId}"));
            await using (var tokyoNode = await cluster.Node("tokyo").OpenAsync("mediAI"))
            await using (var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_xacts", tokyoNode))
            {
                Assert.Equal(0L, await prepared.ExecuteScalarAsync());
            }

            // The trace shows Tokyo's PREPARE, and Paris's COMMIT PREPARED.
            var spans = await SpansAsync(traceId, s => s.Any(x => x.DisplayName == "paris: COMMIT PREPARED"));
            Assert.Contains(spans, s => s.DisplayName == "tokyo: PREPARE TRANSACTION");
            Assert.Contains(spans, s => s.DisplayName == "paris: COMMIT PREPARED");
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            await ExecuteAsync($"DELETE FROM MedicalRecords WHERE idRecord = {recordId} AND country = 'Japan'; DELETE FROM Transactions WHERE idTrans = {transactionId} AND country = 'France'");
        }
    }
}
