using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Api;

/// <summary>POST /fragmentation/check on real views: a correct set passes; a missing, overlapping or lossy fragment fails with the offending rows.</summary>
public sealed class FragmentationApiTests(PlainLab lab) : IClassFixture<PlainLab>
{
    /// <summary>Creates views named prefix_suffix from (suffix, body) pairs; answers their names.</summary>
    private async Task<string[]> ViewsAsync(params (string Suffix, string Body)[] views)
    {
        var prefix = $"v{Guid.NewGuid():N}"[..9];
        await using var connection = await lab.Server.OpenAsync(LabSites.Database);
        foreach (var (suffix, body) in views)
        {
            await using var create = new NpgsqlCommand($"CREATE VIEW {prefix}_{suffix} AS {body}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return views.Select(v => $"{prefix}_{v.Suffix}").ToArray();
    }

    /// <summary>Per country, a financial and a management view of Transactions: the hybrid groups.</summary>
    private async Task<string[][]> HybridGroupsAsync(string financial, string management)
    {
        var countries = new[] { ("FR", "France"), ("TN", "Tunisia"), ("CA", "Canada"), ("JP", "Japan") };
        var views = await ViewsAsync(countries.SelectMany(c => new[]
        {
            ($"{c.Item1}_Financial", $"SELECT {financial} FROM Transactions WHERE country = '{c.Item2}'"),
            ($"{c.Item1}_Management", $"SELECT {management} FROM Transactions WHERE country = '{c.Item2}'"),
        }).ToArray());
        return [.. views.Chunk(2).Select(g => g.ToArray())];
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CheckAsync(object request)
    {
        using var response = await lab.Api.Http.PostAsJsonAsync("/fragmentation/check", request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static JsonElement Check(JsonElement report, string property) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("property").GetString() == property);

    private static readonly string[] Sites = ["Paris", "Tunis", "Montreal", "Tokyo"];

    [Fact]
    public async Task The_handouts_horizontal_training_data_fragments_pass()
    {
        var views = await ViewsAsync(Sites.Select(s => (s, $"SELECT * FROM TrainingData WHERE siteOrigin = '{s}'")).ToArray());
        var (status, report) = await CheckAsync(new { table = "TrainingData", type = "horizontal", fragments = views });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(report.GetProperty("passed").GetBoolean(), report.ToString());
        Assert.Equal(["completeness", "disjointness", "reconstructibility"], report.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("property").GetString()));
    }

    [Fact]
    public async Task A_missing_fragment_fails_completeness_with_the_rows_it_loses()
    {
        var views = await ViewsAsync(Sites.Take(3).Select(s => (s, $"SELECT * FROM TrainingData WHERE siteOrigin = '{s}'")).ToArray());
        var (_, report) = await CheckAsync(new { table = "TrainingData", type = "horizontal", fragments = views });
        Assert.False(report.GetProperty("passed").GetBoolean());
        var completeness = Check(report, "completeness");
        Assert.False(completeness.GetProperty("passed").GetBoolean());
        var siteOrigin = completeness.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList().IndexOf("siteorigin");
        var lost = completeness.GetProperty("offendingRows").EnumerateArray().ToList();
        Assert.Equal(3, lost.Count); // Tokyo's three training rows
        Assert.All(lost, r => Assert.Equal("Tokyo", r[siteOrigin].GetString()));
        Assert.True(Check(report, "disjointness").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Overlapping_fragments_fail_disjointness_and_reconstructibility()
    {
        var views = await ViewsAsync(
            ("Paris", "SELECT * FROM TrainingData WHERE siteOrigin IN ('Paris', 'Tunis')"),
            ("Tunis", "SELECT * FROM TrainingData WHERE siteOrigin = 'Tunis'"),
            ("Rest", "SELECT * FROM TrainingData WHERE siteOrigin IN ('Montreal', 'Tokyo')"));
        var (_, report) = await CheckAsync(new { table = "TrainingData", type = "horizontal", fragments = views });
        var disjointness = Check(report, "disjointness");
        Assert.False(disjointness.GetProperty("passed").GetBoolean());
        Assert.Equal(3, disjointness.GetProperty("offendingRows").GetArrayLength()); // Tunis's rows, twice
        Assert.Equal(views[0], disjointness.GetProperty("offendingRows")[0][0].GetString());
        Assert.False(Check(report, "reconstructibility").GetProperty("passed").GetBoolean());
        Assert.True(Check(report, "completeness").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Vertical_medical_records_rebuild_by_join_and_a_lossy_set_fails()
    {
        var good = await ViewsAsync(
            ("Clinical", "SELECT idRecord, idPatient, country, date, examType, result FROM MedicalRecords"),
            ("AI", "SELECT idRecord, country, aiModelUsed, aiScore, aiVersion FROM MedicalRecords"));
        var (_, passed) = await CheckAsync(new { table = "MedicalRecords", type = "vertical", fragments = good });
        Assert.True(passed.GetProperty("passed").GetBoolean(), passed.ToString());

        var missingColumn = await ViewsAsync(
            ("Clinical", "SELECT idRecord, idPatient, country, date, examType, result FROM MedicalRecords"),
            ("AI", "SELECT idRecord, country, aiModelUsed, aiScore FROM MedicalRecords"));
        var (_, incomplete) = await CheckAsync(new { table = "MedicalRecords", type = "vertical", fragments = missingColumn });
        var completeness = Check(incomplete, "completeness");
        Assert.False(completeness.GetProperty("passed").GetBoolean());
        Assert.Equal("aiversion", completeness.GetProperty("offendingRows")[0][0].GetString());

        var lossy = await ViewsAsync(
            ("Clinical", "SELECT idRecord, idPatient, country, date, examType, result FROM MedicalRecords"),
            ("AI", "SELECT idRecord, country, aiModelUsed, aiScore, aiVersion FROM MedicalRecords WHERE aiScore > 0.95"));
        var (_, lost) = await CheckAsync(new { table = "MedicalRecords", type = "vertical", fragments = lossy });
        var rebuild = Check(lost, "reconstructibility");
        Assert.False(rebuild.GetProperty("passed").GetBoolean());
        Assert.All(rebuild.GetProperty("offendingRows").EnumerateArray(), r => Assert.Equal("only in the table", r[0].GetString()));
    }

    [Fact]
    public async Task The_hybrid_transactions_matrix_passes_as_eight_views()
    {
        var groups = await HybridGroupsAsync("idTrans, idPatient, country, date, amount, currency", "idTrans, country, type, status");
        var (status, report) = await CheckAsync(new { table = "Transactions", type = "hybrid", groups });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(report.GetProperty("passed").GetBoolean(), report.ToString());
    }

    [Fact]
    public async Task The_handouts_hybrid_views_without_country_pass_when_country_is_implied_by_each_group()
    {
        var groups = await HybridGroupsAsync("idTrans, idPatient, date, amount, currency", "idTrans, idPatient, type, status");

        var (_, strict) = await CheckAsync(new { table = "Transactions", type = "hybrid", groups });
        Assert.False(strict.GetProperty("passed").GetBoolean());
        Assert.Contains("columns in no fragment: country", Check(strict, "completeness of group 1 (" + groups[0][0] + " + " + groups[0][1] + ")").GetProperty("explanation").GetString());

        var (status, implied) = await CheckAsync(new { table = "Transactions", type = "hybrid", groups, key = new[] { "idTrans" }, implied = new[] { "country" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(implied.GetProperty("passed").GetBoolean(), implied.ToString());

        var (unknown, problem) = await CheckAsync(new { table = "Transactions", type = "hybrid", groups, implied = new[] { "continent" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.True(problem.GetProperty("errors").TryGetProperty("implied", out _), problem.ToString());
    }

    [Fact]
    public async Task A_missing_view_or_a_write_is_a_400_naming_the_fragment()
    {
        var (missing, body) = await CheckAsync(new { table = "TrainingData", type = "horizontal", fragments = new[] { "no_such_view" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("42P01", body.GetProperty("sqlState").GetString());
        Assert.Equal("fragments[0]", body.GetProperty("field").GetString());

        var (write, problem) = await CheckAsync(new { table = "TrainingData", type = "horizontal", fragments = new[] { "DELETE FROM TrainingData" } });
        Assert.Equal(HttpStatusCode.BadRequest, write);
        Assert.True(problem.GetProperty("errors").TryGetProperty("fragments[0]", out _));

        var (badType, typeProblem) = await CheckAsync(new { table = "TrainingData", type = "diagonal", fragments = new[] { "TrainingData" } });
        Assert.Equal(HttpStatusCode.BadRequest, badType);
        Assert.True(typeProblem.GetProperty("errors").TryGetProperty("type", out _));

        await using var connection = await lab.Server.OpenAsync(LabSites.Database);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM TrainingData", connection);
        Assert.Equal(13L, await count.ExecuteScalarAsync());
    }
}
