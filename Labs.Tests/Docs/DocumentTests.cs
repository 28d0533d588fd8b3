namespace MediAI.Labs.Tests.Docs;

/// <summary>
/// The documents stay true: whatever README.md, docs/, exercises/ and solutions/README.md cite —
/// an option, a dashboard command, a resource, a path, a link, a port, a checker option — exists
/// in the code or the repository, and every picture in docs/ is shown somewhere.
/// </summary>
public sealed class DocumentTests
{
    private static readonly DocumentFacts Facts = DocumentFacts.FromRepository();

    [Fact]
    public void Every_citation_in_the_documents_exists_in_the_code_or_the_repository()
    {
        var documents = DocumentCheck.Documents(Facts.Root).ToList();
        Assert.Contains("docs/student-guide.md", documents);
        var problems = documents
            .SelectMany(d => DocumentCheck.Problems(d, File.ReadAllText(Path.Combine(Facts.Root, d)), Facts))
            .ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} citation(s) the lab no longer backs:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Every_picture_in_docs_is_shown_by_a_document()
    {
        var texts = DocumentCheck.Documents(Facts.Root).Select(d => File.ReadAllText(Path.Combine(Facts.Root, d)));
        var unshown = DocumentCheck.UnreferencedImages(Facts.Root, texts).ToList();
        Assert.True(unshown.Count == 0, string.Join('\n', unshown));
    }

    [Fact]
    public void What_the_check_reads_from_the_code_is_there()
    {
        // Without these, every citation of that kind would be reported (or, with a wrong reading, none).
        Assert.Contains("Fresh", Facts.Options);
        Assert.Contains("Reset lab data", Facts.Commands);
        Assert.Contains("Drop link after PREPARE", Facts.Commands);
        Assert.Contains("coordinator-api", Facts.Resources);
        Assert.Contains("agent-tokyo", Facts.Resources);
        Assert.Contains("5180", Facts.Ports);
        Assert.Contains("--port", Facts.CliOptions[""]);
        Assert.Contains("--seed", Facts.CliOptions["campaign"]);
        Assert.Contains("plan", Facts.CliOptions["api:verbs"]);
    }

    /// <summary>One stale citation of each kind, in a made-up guide: each is named with its line.</summary>
    [Theory]
    [InlineData("Run it with `dotnet run --project AppHost -- --Lab:Turbo=true`.", "--Lab:Turbo is no option")]
    [InlineData("Then `coordinator-api` → ⋯ → **Reset everything**.", "\"Reset everything\" is no dashboard command")]
    [InlineData("| command | what happens |\n|---|---|\n| Take site down / Melt site | gone |", "\"Melt site\" is no dashboard command")]
    [InlineData("Open `agent-osaka` in the dashboard.", "`agent-osaka` is no resource")]
    [InlineData("The scripts are in `data/init-everything.sql`.", "`data/init-everything.sql` names no file")]
    [InlineData("See [the options](reference.md#no-such-heading).", "has no heading #no-such-heading")]
    [InlineData("See [the map](no-such-file.md).", "the link to no-such-file.md leads nowhere")]
    [InlineData("The API answers at http://localhost:5999.", "port 5999 is given nowhere")]
    [InlineData("`dotnet run --project Coordinator.Api/Checker -- --colour`", "the checker has no option --colour")]
    [InlineData("`dotnet run --project Coordinator.Api/Checker -- campaign --writers 3`", "the checker campaign has no option --writers")]
    [InlineData("`dotnet run --project Coordinator.Api -- destroy --coordinator \"…\"`", "Coordinator.Api has no command destroy")]
    [InlineData("`dotnet run --project Grader`", "no such project")]
    public void A_stale_citation_is_named_with_its_file_and_line(string planted, string expected)
    {
        var text = "# A guide\n\nSome words.\n" + planted + "\n";
        var problems = DocumentCheck.Problems("docs/made-up-guide.md", text, Facts).ToList();
        var problem = Assert.Single(problems);
        Assert.StartsWith("docs/made-up-guide.md:", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_lines_with_what_exists_are_not_reported()
    {
        var text = """
            # A guide

            Run it with `dotnet run --project AppHost -- --Lab:Fresh=true`, then `coordinator-api` → ⋯ → **Reset lab data**.

            | command | what happens |
            |---|---|
            | Take site down / Restore site | gone, back |

            Open `agent-tokyo`; the scripts are in `data/init-cluster.sql`; [the options](reference.md#options); http://localhost:5180.
            `dotnet run --project Coordinator.Api/Checker -- campaign --transactions 200 --seed 7`
            `dotnet run --project Coordinator.Api -- plan --coordinator "Host=db1"`
            """;
        Assert.Empty(DocumentCheck.Problems("docs/made-up-guide.md", text, Facts));
    }

    [Theory]
    [InlineData("On a department's Citus cluster (external mode)", "on-a-departments-citus-cluster-external-mode")]
    [InlineData("1. What you need", "1-what-you-need")]
    [InlineData("No Docker Hub: the offline kit, or a mirror", "no-docker-hub-the-offline-kit-or-a-mirror")]
    public void Anchors_are_githubs(string heading, string anchor) => Assert.Equal(anchor, DocumentCheck.Slug(heading));
}
