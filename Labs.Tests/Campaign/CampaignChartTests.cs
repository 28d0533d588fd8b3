using System.Text.Json;
using System.Text.RegularExpressions;
using MediAI.Coordinator.Campaign;

namespace MediAI.Labs.Tests.Campaign;

/// <summary>The campaign's chart page, from a report as the API keeps it: bars to scale, every kind named, violations in red.</summary>
public sealed partial class CampaignChartTests
{
    private static JsonElement Report(int violations) => JsonDocument.Parse($$$"""
        {"parameters": {"transactions": 30, "faultRate": 0.5, "seed": 9}, "transactions": 30, "faults": 15,
         "inDoubtBeforeRecovery": 2, "resolutionMedianMs": 57, "resolutionMaxMs": 103,
         "invariants": {"violations": [{{{string.Join(",", Enumerable.Repeat("""{"kind": "HalfApplied", "detail": "x"}""", violations))}}}],
           "byFaultKind": [
             {"faultKind": "none", "attempted": 20, "acknowledged": 20, "aborted": 0, "indeterminate": 0, "indeterminateApplied": 0, "inDoubtBeforeRecovery": 0, "violations": 0},
             {"faultKind": "crash_coordinator_after_commit_record", "attempted": 10, "acknowledged": 2, "aborted": 3, "indeterminate": 5, "indeterminateApplied": 4, "inDoubtBeforeRecovery": 2, "violations": {{{violations}}}},
             {"faultKind": "<script>", "attempted": 5, "acknowledged": 5, "aborted": 0, "indeterminate": 0, "indeterminateApplied": 0, "inDoubtBeforeRecovery": 0, "violations": 0}
           ]}}
        """).RootElement;

    [Fact]
    public void Bars_are_to_scale_split_by_outcome_and_every_kind_is_named()
    {
        var page = CampaignChart.Render(3, new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), Report(violations: 0));

        Assert.Contains("<h1>MediAI Lab — fault campaign 3</h1>", page);
        Assert.Contains("30 transfers, 15 faults", page);
        Assert.Contains("median\n57 ms, max 103 ms", page.Replace("\r", "", StringComparison.Ordinal));
        Assert.Contains("The invariants hold", page);
        // The longest bar (20 transfers) is the full width; the coordinator crash's 10 split 2 + 3 + 4 + 1, to the same scale.
        Assert.Contains("width=\"560\" height=\"18\" fill=\"#2e7d32\"><title>none: 20 acknowledged", page);
        var crash = Widths().Matches(page).Where(m => m.Groups["kind"].Value == "crash_coordinator_after_commit_record")
            .Select(m => double.Parse(m.Groups["w"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([56, 84, 112, 28], crash);
        Assert.Contains("2 in doubt before recovery", page);
        // Names are text, never markup.
        Assert.Contains("&lt;script&gt;", page);
        Assert.DoesNotContain("<script>", page);
    }

    [Fact]
    public void Violations_are_red_beside_their_kind_and_in_the_verdict()
    {
        var page = CampaignChart.Render(4, DateTime.UtcNow, Report(violations: 2));

        Assert.Contains("class=\"bad\">2 violation(s): see GET /campaigns/4", page);
        Assert.Contains("fill=\"#c62828\" font-weight=\"bold\">2 violation(s)</text>", page);
        Assert.DoesNotContain("The invariants hold", page);
    }

    [GeneratedRegex("width=\"(?<w>[0-9.]+)\" height=\"18\" fill=\"#[0-9a-f]{6}\"><title>(?<kind>[^:]+):")]
    private static partial Regex Widths();
}
