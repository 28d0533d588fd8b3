using System.Diagnostics;
using MediAI.Coordinator.Core.Sql;
using MediAI.Coordinator.Telemetry;

namespace MediAI.Labs.Tests.Data;

/// <summary>A role's password never shows: not in the bootstrap's log and progress, not in a span's SQL.</summary>
public sealed class SecretTextTests
{
    [Theory]
    [InlineData("CREATE ROLE lab_reader LOGIN PASSWORD 's3cr''et'", "CREATE ROLE lab_reader LOGIN PASSWORD '***'")]
    [InlineData("ALTER ROLE lab_reader PASSWORD 'x'", "ALTER ROLE lab_reader PASSWORD '***'")]
    [InlineData("SELECT format('CREATE ROLE lab_reader LOGIN PASSWORD %L', 's3cret') WHERE true", "SELECT format('CREATE ROLE lab_reader LOGIN PASSWORD %L', '***') WHERE true")]
    [InlineData("CREATE ROLE grade_ada_1a2b LOGIN password 'p' NOSUPERUSER", "CREATE ROLE grade_ada_1a2b LOGIN password '***' NOSUPERUSER")]
    [InlineData("SELECT * FROM patients WHERE name = 'password'", "SELECT * FROM patients WHERE name = 'password'")]
    public void A_password_in_sql_is_shown_as_stars(string sql, string shown) => Assert.Equal(shown, SecretText.Redact(sql));

    [Fact]
    public void A_span_carrying_a_role_password_is_redacted_before_any_exporter_sees_it()
    {
        using var source = new ActivitySource("mediai-test-redaction");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("CREATE ROLE x PASSWORD 'hunter2'", ActivityKind.Client, default(ActivityContext),
            [new("db.statement", "CREATE ROLE x LOGIN PASSWORD 'hunter2'"), new("db.query.text", "ALTER ROLE x PASSWORD 'hunter2'")])!;
        new PasswordRedaction().OnStart(activity);
        Assert.Equal("CREATE ROLE x LOGIN PASSWORD '***'", activity.GetTagItem("db.statement"));
        Assert.Equal("ALTER ROLE x PASSWORD '***'", activity.GetTagItem("db.query.text"));
        Assert.DoesNotContain("hunter2", activity.DisplayName);
    }
}
