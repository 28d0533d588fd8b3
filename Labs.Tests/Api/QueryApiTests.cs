using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Coordinator.Bootstrap;
using MediAI.Labs.Tests.Bootstrap;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MediAI.Labs.Tests.Api;

/// <summary>A plain PostgreSQL lab (one server playing the four sites), bootstrapped, with the coordinator API in front.</summary>
public sealed class PlainLab : IAsyncLifetime
{
    public TestPostgres Server { get; private set; } = null!;
    public TestCoordinator Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestPostgres.StartAsync(Installations.Plain, "api");
        var lab = LabConfig.For([Server, Server, Server, Server]);
        await new ClusterBootstrapper(lab, NullLogger<ClusterBootstrapper>.Instance).RunAsync(CancellationToken.None);
        Api = await TestCoordinator.StartAsync(lab.Value, "--Lab:Queries:TimeoutMs=1000", "--Lab:Queries:MaxRows=50");
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>POST /query and /explain over real HTTP on plain PostgreSQL: answers, and user mistakes as 4xx problems.</summary>
public sealed class QueryApiTests(PlainLab lab) : IClassFixture<PlainLab>
{
    private async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> PostAsync(string path, object body)
    {
        using var response = await lab.Api.Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonSerializer.Deserialize<JsonElement>(text) : default, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_query_with_bound_parameters_answers_rows_routing_and_trace()
    {
        var (status, body, _) = await PostAsync("/query", new { sql = "SELECT name, age FROM Patients WHERE country = $1 AND age > $2 ORDER BY idPatient", parameters = new object[] { "Japan", 0 } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["name", "age"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var rows = body.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal("Yuki Tanaka", rows[0][0].GetString());
        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.Equal("local", body.GetProperty("routing").GetProperty("kind").GetString()); // no Citus here
        Assert.Matches("^[0-9a-f]{32}$", body.GetProperty("traceId").GetString()!);
    }

    [Fact]
    public async Task Users_sql_runs_as_the_read_only_role()
    {
        var (status, body, _) = await PostAsync("/query", new { sql = "SELECT current_user, current_setting('transaction_read_only')" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lab_reader", body.GetProperty("rows")[0][0].GetString());
        Assert.Equal("on", body.GetProperty("rows")[0][1].GetString());
    }

    [Fact]
    public async Task Parameters_are_bound_never_spliced()
    {
        var (status, body, _) = await PostAsync("/query", new { sql = "SELECT count(*) FROM Patients WHERE name = $1", parameters = new object[] { "x' OR '1'='1" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task The_row_cap_truncates_and_says_so()
    {
        var (status, body, _) = await PostAsync("/query", new { sql = "SELECT g FROM generate_series(1, 1000) g" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(50, body.GetProperty("rows").GetArrayLength());
        Assert.True(body.GetProperty("truncated").GetBoolean());
    }

    public static TheoryData<string, HttpStatusCode, string> Mistakes() => new()
    {
        { "SELEC name FROM Patients", HttpStatusCode.BadRequest, "field:sql" },                 // not a reading statement
        { "SELECT name FROM Patiens", HttpStatusCode.BadRequest, "42P01" },                     // unknown table
        { "SELECT name FROM Patients WHERE", HttpStatusCode.BadRequest, "42601" },              // syntax
        { "WITH x AS (DELETE FROM Patients RETURNING *) SELECT * FROM x", HttpStatusCode.BadRequest, "25006" }, // a write in disguise
        { "SELECT nextval(pg_get_serial_sequence('medicalrecords', 'idrecord'))", HttpStatusCode.BadRequest, "42501" }, // the read-only role may not
        { "SELECT 1; DROP TABLE Patients", HttpStatusCode.BadRequest, "field:sql" },           // two statements
        { "DELETE FROM Patients", HttpStatusCode.BadRequest, "field:sql" },
        { "SELECT pg_sleep(5)", HttpStatusCode.RequestTimeout, "57014" },                       // statement timeout
        { "SELECT 1/0", HttpStatusCode.BadRequest, "22012" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_users_mistake_is_a_4xx_problem_with_the_sqlstate(string sql, HttpStatusCode expected, string marker)
    {
        var (status, body, contentType) = await PostAsync("/query", new { sql });
        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", contentType);
        if (marker.StartsWith("field:", StringComparison.Ordinal))
        {
            Assert.True(body.GetProperty("errors").TryGetProperty(marker["field:".Length..], out _), body.ToString());
        }
        else
        {
            Assert.Equal(marker, body.GetProperty("sqlState").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        }

        // Nothing was lost.
        var (_, count, _) = await PostAsync("/query", new { sql = "SELECT count(*) FROM Patients" });
        Assert.Equal(20, count.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task An_oversized_request_is_refused_with_a_4xx()
    {
        using var response = await lab.Api.Http.PostAsync("/query",
            new StringContent(JsonSerializer.Serialize(new { sql = "SELECT '" + new string('x', 100_000) + "'" }), System.Text.Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task The_openapi_document_and_its_scalar_ui_are_served()
    {
        var document = await lab.Api.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/query", paths);
        Assert.Contains("/fragmentation/check", paths);
        Assert.Contains("/transactions/emergency-consultation", paths);
        using var ui = await lab.Api.Http.GetAsync("/scalar");
        Assert.True(ui.IsSuccessStatusCode, $"/scalar answered {(int)ui.StatusCode}");
    }

    [Fact]
    public async Task Explain_answers_the_plan()
    {
        var (status, body, _) = await PostAsync("/explain", new { sql = "SELECT * FROM Patients WHERE country = $1", parameters = new object[] { "France" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Seq Scan", body.GetProperty("rows")[0][0].ToString());
    }

    [Fact]
    public async Task The_cluster_map_lists_the_four_sites_and_distributed_work_needs_citus()
    {
        var map = await lab.Api.Http.GetFromJsonAsync<JsonElement>("/cluster");
        Assert.Equal(["Paris", "Tunis", "Montréal", "Tokyo"], map.EnumerateArray().Select(s => s.GetProperty("city").GetString()));
        Assert.All(map.EnumerateArray(), s => Assert.True(s.GetProperty("reachable").GetBoolean()));
        Assert.All(map.EnumerateArray(), s => Assert.Equal(JsonValueKind.Null, s.GetProperty("citus").ValueKind));

        using var consultation = await lab.Api.Http.PostAsync("/transactions/emergency-consultation", null);
        Assert.Equal(HttpStatusCode.Conflict, consultation.StatusCode);
        Assert.Contains("needs Citus", await consultation.Content.ReadAsStringAsync());
    }
}
