using MediAI.SiteAgents.Tracing;

namespace MediAI.Labs.Tests.Tracing;

/// <summary>What a root is called, and the rows a command tag reports: read by hand on the relay's path, so checked here.</summary>
public sealed class SpanTextTests
{
    [Theory]
    [InlineData("SELECT count(*) FROM Patients", "SELECT count(*) FROM Patients")]
    [InlineData("  SELECT 1;  ", "SELECT 1")]
    [InlineData("SELECT p.name\n  FROM Patients p\n\tWHERE p.country = 'Japan';", "SELECT p.name FROM Patients p WHERE p.country = 'Japan'")]
    [InlineData("", "(empty statement)")]
    [InlineData(" ;", "(empty statement)")]
    [InlineData("SELECT abalance FROM pgbench_accounts WHERE aid = 1234567890 AND bid = 1", "SELECT abalance FROM pgbench_accounts WHERE aid = 1234567890…")]
    public void A_statement_is_named_on_one_short_line(string sql, string name) => Assert.Equal(name, SpanText.StatementName(sql));

    [Fact]
    public void A_long_statement_is_cut_at_sixty_characters_without_reading_the_rest()
    {
        var name = SpanText.StatementName("INSERT INTO t VALUES " + string.Join(",", Enumerable.Repeat("(1, 'x')", 100_000)));
        Assert.Equal(61, name.Length);
        Assert.EndsWith("…", name);
    }

    [Theory]
    [InlineData("SELECT 20", 20L)]
    [InlineData("INSERT 0 1", 1L)]
    [InlineData("UPDATE 12345", 12345L)]
    [InlineData("BEGIN", null)]
    [InlineData("", null)]
    public void Rows_are_the_trailing_number_of_a_command_tag(string tag, long? rows) => Assert.Equal(rows, SpanText.Rows(tag));
}
