using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// A campaign's report as a page a student can open (GET /campaigns/{id}/chart): one bar per fault
/// kind, as long as the transfers it hit, split by what each client was told — acknowledged,
/// aborted, indeterminate (found applied, or not) — with what waited in doubt and any violation
/// beside it. Plain HTML and SVG made here: no script, nothing fetched, it prints and saves as is.
/// </summary>
public static class CampaignChart
{
    private const int BarWidth = 560;
    private const int Row = 26;
    private const int Label = 250;

    private static readonly (string Name, string Color)[] Segments =
    [
        ("acknowledged", "#2e7d32"),
        ("aborted", "#9e9e9e"),
        ("indeterminate, found applied", "#1565c0"),
        ("indeterminate, found absent", "#90caf9"),
    ];

    public static string Render(long id, DateTime finishedAt, JsonElement report)
    {
        var rows = report.GetProperty("invariants").GetProperty("byFaultKind").EnumerateArray()
            .Select(r => new
            {
                Kind = r.GetProperty("faultKind").GetString() ?? "",
                Attempted = r.GetProperty("attempted").GetInt32(),
                Counts = new[]
                {
                    r.GetProperty("acknowledged").GetInt32(),
                    r.GetProperty("aborted").GetInt32(),
                    r.GetProperty("indeterminateApplied").GetInt32(),
                    r.GetProperty("indeterminate").GetInt32() - r.GetProperty("indeterminateApplied").GetInt32(),
                },
                InDoubt = r.GetProperty("inDoubtBeforeRecovery").GetInt32(),
                Violations = r.GetProperty("violations").GetInt32(),
            })
            .OrderByDescending(r => r.Attempted).ThenBy(r => r.Kind, StringComparer.Ordinal).ToList();
        var violations = report.GetProperty("invariants").GetProperty("violations").GetArrayLength();
        var parameters = report.GetProperty("parameters");
        var scale = (double)BarWidth / Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Attempted));

        var svg = new StringBuilder();
        var height = (rows.Count + 2) * Row;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Label + BarWidth + 330}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">");
        var x = Label;
        foreach (var (name, color) in Segments)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{x + 16}\" y=\"15\">{name}</text>");
            x += 24 + (int)(name.Length * 6.6);
        }

        var y = Row + 8;
        foreach (var row in rows)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Label - 8}\" y=\"{y + 14}\" text-anchor=\"end\">{Html(row.Kind)}</text>");
            var left = (double)Label;
            for (var i = 0; i < Segments.Length; i++)
            {
                var width = row.Counts[i] * scale;
                if (width > 0)
                {
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<rect x=\"{left:0.#}\" y=\"{y}\" width=\"{width:0.#}\" height=\"18\" fill=\"{Segments[i].Color}\"><title>{Html(row.Kind)}: {row.Counts[i]} {Segments[i].Name}</title></rect>");
                    left += width;
                }
            }

            var note = $"{row.Attempted} tried · {row.Counts[0]} acked · {row.Counts[1]} aborted · {row.Counts[2] + row.Counts[3]} indet." +
                (row.InDoubt > 0 ? $" · {row.InDoubt} in doubt before recovery" : "");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 8:0.#}\" y=\"{y + 14}\">{Html(note)}</text>");
            if (row.Violations > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 8:0.#}\" y=\"{y + 14}\" dx=\"{(int)(note.Length * 6.6) + 8}\" fill=\"#c62828\" font-weight=\"bold\">{row.Violations} violation(s)</text>");
            }

            y += Row;
        }

        svg.Append("</svg>");

        var verdict = violations == 0
            ? "<p class=\"ok\">The invariants hold: money conserved, no transfer half-applied, every acknowledged commit present, nothing left prepared.</p>"
            : $"<p class=\"bad\">{violations} violation(s): see GET /campaigns/{id} for each, with the transfer it concerns.</p>";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>MediAI Lab — fault campaign {{id}}</title>
            <style>body{font-family:sans-serif;margin:24px;color:#212121} .ok{color:#2e7d32;font-weight:bold} .bad{color:#c62828;font-weight:bold} small{color:#616161} table{border-collapse:collapse} td,th{padding:2px 12px;text-align:right} td:first-child,th:first-child{text-align:left}</style></head>
            <body>
            <h1>MediAI Lab — fault campaign {{id}}</h1>
            <p>{{report.GetProperty("transactions").GetInt32()}} transfers, {{report.GetProperty("faults").GetInt32()}} faults
            (fault rate {{parameters.GetProperty("faultRate").GetDouble():0.##}}, seed {{parameters.GetProperty("seed").GetInt32()}}), finished {{finishedAt:yyyy-MM-dd HH:mm:ss}} UTC.
            {{report.GetProperty("inDoubtBeforeRecovery").GetInt32()}} transfers waited in doubt before recovery; heal to all resolved: median
            {{report.GetProperty("resolutionMedianMs").GetDouble():0}} ms, max {{report.GetProperty("resolutionMaxMs").GetDouble():0}} ms.</p>
            {{verdict}}
            {{svg}}
            {{ReadersTable(report)}}
            <p><small>Each bar is the transfers one fault kind hit ("none": no fault), split by what the client was told. An indeterminate
            COMMIT got no answer it can trust (its connection, or the coordinator that answered, died); the checker accepts it whole or absent, never half. The same seed replays this
            campaign exactly. Kept until "Reset lab data".</small></p>
            </body></html>
            """);
    }

    /// <summary>With readers: their reads per fault kind, apart from the bars — a fractured read breaks no invariant; it is what other sessions saw before a commit reached every site.</summary>
    private static string ReadersTable(JsonElement report)
    {
        if (!report.TryGetProperty("readers", out var readers) || readers.GetProperty("readers").GetInt32() == 0)
        {
            return "";
        }

        var table = new StringBuilder("<h2>Fractured reads</h2>");
        table.Append(CultureInfo.InvariantCulture,
            $"<p>{readers.GetProperty("readers").GetInt32()} readers ({Html(readers.GetProperty("strategy").GetString() ?? "")}) read both legs of every transfer while they ran: ");
        table.Append(CultureInfo.InvariantCulture,
            $"{readers.GetProperty("reads").GetInt64()} reads, <b>{readers.GetProperty("fractured").GetInt64()} fractured</b> (one site's leg of a transfer without the other's), {readers.GetProperty("errors").GetInt64()} failed.</p>");
        table.Append("<table><tr><th>fault</th><th>reads</th><th>fractured</th><th>per 1,000</th><th>failed</th></tr>");
        foreach (var row in readers.GetProperty("byFaultKind").EnumerateArray())
        {
            table.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Html(row.GetProperty("faultKind").GetString() ?? "")}</td><td>{row.GetProperty("reads").GetInt64()}</td><td>{row.GetProperty("fractured").GetInt64()}</td><td>{row.GetProperty("perThousand").GetDouble():0.0}</td><td>{row.GetProperty("errors").GetInt64()}</td></tr>");
        }

        return table.Append("</table><p><small>Citus makes a distributed commit atomic, not isolated: each site's part becomes visible when its COMMIT PREPARED arrives, and a statement reads each shard in its own snapshot.</small></p>").ToString();
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
