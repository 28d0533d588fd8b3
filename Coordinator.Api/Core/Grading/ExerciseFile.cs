using System.Text.RegularExpressions;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>The part of an exercise file under one question marker, and the blanks still in it.</summary>
public sealed record Section(string Id, int Line, string Text, IReadOnlyList<int> BlankLines);

/// <summary>
/// A student's file cut into sections at question markers: <c>-- [1.2b]</c> in SQL files,
/// a heading with <c>[1.2b]</c> in answers.md. Text before the first marker (setup) has id "".
/// A blank is <c>___</c> left in SQL (not in a comment) or anywhere in Markdown.
/// </summary>
public sealed partial class ExerciseFile
{
    public const string Blank = "___";

    private ExerciseFile(string path, string text, IReadOnlyList<Section> sections)
    {
        Path = path;
        Text = text;
        Sections = sections;
    }

    public string Path { get; }
    public string Text { get; }
    public IReadOnlyList<Section> Sections { get; }

    /// <summary>The question's section; a marker written twice gives one section of both parts.</summary>
    public Section? Find(string id)
    {
        var parts = Sections.Where(s => s.Id == id).ToList();
        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => new Section(id, parts[0].Line, string.Join('\n', parts.Select(p => p.Text)), [.. parts.SelectMany(p => p.BlankLines)]),
        };
    }

    /// <summary>The section a line of the file belongs to.</summary>
    public string SectionAt(int line) => Sections.LastOrDefault(s => s.Line <= line)?.Id ?? "";

    public static ExerciseFile Parse(string path, string text)
    {
        var markdown = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
        var marker = markdown ? MarkdownMarker() : SqlMarker();
        var lines = text.Split('\n');
        var sections = new List<Section>();
        var id = "";
        var start = 1;
        var body = new List<string>();
        var blanks = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = marker.Match(lines[i]);
            // In Markdown any heading ends an answer ("## Part 2" is nobody's answer); it starts one only with [id].
            if (match.Success || (markdown && lines[i].StartsWith('#')))
            {
                sections.Add(new Section(id, start, string.Join('\n', body), blanks));
                (id, start, body, blanks) = (match.Success ? match.Groups["id"].Value : "", i + 1, [], []);
            }

            body.Add(lines[i]);
            var code = markdown ? lines[i] : StripComment(lines[i]);
            if (code.Contains(Blank, StringComparison.Ordinal))
            {
                blanks.Add(i + 1);
            }
        }

        sections.Add(new Section(id, start, string.Join('\n', body), blanks));
        return new ExerciseFile(path, text, sections);
    }

    /// <summary>A SQL line without its -- comment (quotes are rare enough in blanks' lines to ignore).</summary>
    private static string StripComment(string line)
    {
        var dash = line.IndexOf("--", StringComparison.Ordinal);
        return dash < 0 ? line : line[..dash];
    }

    [GeneratedRegex(@"^\s*--\s*\[(?<id>[0-9A-Za-z.]+)\]")]
    private static partial Regex SqlMarker();

    [GeneratedRegex(@"^\s*#+[^\[]*\[(?<id>[0-9A-Za-z.]+)\]")]
    private static partial Regex MarkdownMarker();
}
