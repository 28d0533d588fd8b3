using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: statements typed in psql through the students' door, with no trace context, give
/// one trace each — the door's root, and every site's part inside it, placed after the fact by
/// the client's backend pid (Citus's gpid). Fails when a site's part is missing or a fragment
/// (a span of the statement outside its trace) appears.
/// </summary>
[Collection(CitusCluster.Collection)]
public sealed class ClientTraceTests(CitusCluster cluster)
{
    private static string SiteOf(Activity span) => (string)span.GetTagItem("mediai.site")!;

    private static bool IsClientRoot(Activity span) => span.GetTagItem("mediai.client") is true && span.ParentSpanId == default;

    /// <summary>Types <paramref name="sql"/> in psql at the door; the root it made, and every agent span of that trace once <paramref name="sites"/> all appear.</summary>
    private async Task<(Activity Root, IReadOnlyList<Activity> Trace, IReadOnlyList<Activity> Fragments)> TypeAsync(string sql, string[] sites)
    {
        Installations.RequireCitus();
        var before = DateTime.UtcNow;
        var psql = await Psql.CommandAsync(cluster.Agent("paris").ClientPort!.Value, sql, LabSites.Database);
        Assert.True(psql.ExitCode == 0, psql.Error);

        Activity? root = null;
        IReadOnlyList<Activity> trace = [];
        for (var i = 0; i < 100; i++)
        {
            var all = cluster.Agents.SelectMany(a => a.Spans).ToList();
            root = all.SingleOrDefault(s => IsClientRoot(s) && s.StartTimeUtc >= before && (string?)s.GetTagItem("db.query.text") == sql);
            if (root is not null)
            {
                trace = [.. all.Where(s => s.TraceId == root.TraceId)];
                if (sites.All(site => trace.Any(s => s != root && SiteOf(s) == site)))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        Assert.NotNull(root);
        // A fragment: a span of this statement's time that is not in its trace (the late spans have landed by now).
        await Task.Delay(300);
        var fragments = cluster.Agents.SelectMany(a => a.Spans)
            .Where(s => s.TraceId != root.TraceId && s.StartTimeUtc >= root.StartTimeUtc && s.StartTimeUtc <= root.StartTimeUtc + root.Duration)
            .ToList();
        return (root, [.. cluster.Agents.SelectMany(a => a.Spans).Where(s => s.TraceId == root.TraceId)], fragments);
    }

    [Fact]
    public async Task A_count_typed_in_psql_is_one_trace_with_a_root_and_every_sites_part()
    {
        const string sql = "SELECT count(*) FROM Patients";
        var (root, trace, fragments) = await TypeAsync(sql, ["paris", "tunis", "montreal", "tokyo"]);

        Assert.Equal(sql, root.DisplayName);
        Assert.Equal("postgresql", root.GetTagItem("db.system"));
        Assert.Equal(1L, root.GetTagItem("db.response.returned_rows")); // "SELECT 1": the count is one row
        Assert.Equal("psql", root.GetTagItem("client.application_name"));
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], trace.Where(s => s != root).Select(SiteOf).Distinct().Order());
        Assert.All(trace.Where(s => s != root), s => Assert.True(s.StartTimeUtc >= root.StartTimeUtc, $"{s.DisplayName} starts before its root"));
        Assert.Single(trace, IsClientRoot);
        Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
    }

    [Fact]
    public async Task A_colocated_join_filtered_by_country_is_one_trace_at_one_site()
    {
        const string sql = "SELECT p.name, m.examType FROM Patients p JOIN MedicalRecords m ON m.idPatient = p.idPatient AND m.country = p.country WHERE p.country = 'Japan'";
        var (root, trace, fragments) = await TypeAsync(sql, ["tokyo"]);

        Assert.Equal(["tokyo"], trace.Where(s => s != root).Select(SiteOf).Distinct());
        Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
    }

    [Fact]
    public async Task A_failed_statement_ends_its_root_with_the_error_and_its_sqlstate()
    {
        const string sql = "SELECT no_such_column FROM Patients";
        Installations.RequireCitus();
        var before = DateTime.UtcNow;
        var psql = await Psql.CommandAsync(cluster.Agent("paris").ClientPort!.Value, sql, LabSites.Database);
        Assert.NotEqual(0, psql.ExitCode);
        Activity? root = null;
        for (var i = 0; i < 100 && root is null; i++)
        {
            root = cluster.Agent("paris").Spans.SingleOrDefault(s => IsClientRoot(s) && s.StartTimeUtc >= before && (string?)s.GetTagItem("db.query.text") == sql);
            await Task.Delay(50);
        }

        Assert.NotNull(root);
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("42703", root.GetTagItem("db.response.status_code"));
    }
}
