namespace MediAI.Coordinator.Core.Sql;

/// <summary>
/// One statement of a \gexec batch about to run: its label and its place in the batch
/// ("6/8 placing Japan at Tokyo").
/// </summary>
/// <param name="Label">The statement's leading <c>/* … */</c> comment (scripts label what they generate), else its first words.</param>
public sealed record ScriptProgress(string Label, int Index, int Count)
{
    /// <summary>The count first: the dashboard's narrow column cuts the end of a long label.</summary>
    public override string ToString() => $"{Index}/{Count} {Label}";

    /// <summary>"/* placing Japan at Tokyo */ SELECT …" → "placing Japan at Tokyo"; unlabelled: the statement, cut short.</summary>
    public static string LabelOf(string statement)
    {
        var text = statement.TrimStart();
        if (text.StartsWith("/*", StringComparison.Ordinal) && text.IndexOf("*/", StringComparison.Ordinal) is > 2 and var end)
        {
            return text[2..end].Trim();
        }

        var line = text.Split('\n', 2)[0];
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}
