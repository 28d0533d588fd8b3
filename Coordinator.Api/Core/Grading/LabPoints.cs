using System.Text.Json;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>A points file that cannot be used: names the file and what is wrong in it.</summary>
public sealed class LabPointsException(string message) : Exception(message);

/// <summary>
/// Points per question, as the professor sets them in exercises/points.json (one object per part,
/// "part1" … "part5" and "reflections", each naming every question of that part): what the class
/// gradebook and autograde count. Read strictly — an unknown part or question, a missing one, a
/// value that is not a whole number ≥ 0 is refused, naming it — so a typo never silently moves a
/// student's mark. Keys starting with $ are comments.
/// </summary>
public sealed class LabPoints
{
    public const string FileName = "points.json";

    private readonly Dictionary<string, int> _byQuestion;

    private LabPoints(Dictionary<string, int> byQuestion) => _byQuestion = byQuestion;

    /// <summary>The part's key in the file: part1 … part5, reflections (the lab's part 6).</summary>
    public static string PartKey(int part) => part == ReflectionsPart ? "reflections" : $"part{part}";

    public const int ReflectionsPart = 6;

    /// <summary>Every part, in order: 1–5 and the reflections.</summary>
    public static IReadOnlyList<int> Parts { get; } = [.. LabQuestions.All.Select(q => q.Part).Distinct().Order()];

    public int Of(string questionId) => _byQuestion[questionId];

    /// <summary>Question id → points, in the lab's question order.</summary>
    public IReadOnlyDictionary<string, int> PerQuestion => LabQuestions.All.ToDictionary(q => q.Id, q => _byQuestion[q.Id]);

    public int Total(int part) => LabQuestions.All.Where(q => q.Part == part).Sum(q => _byQuestion[q.Id]);

    public int Total() => _byQuestion.Values.Sum();

    /// <summary>The points a set of results earns: each question passed earns its points.</summary>
    public int Earned(IEnumerable<QuestionResult> results) => results.Where(r => r.Outcome == Outcome.Pass).Sum(r => _byQuestion.GetValueOrDefault(r.Id));

    /// <summary>The points at stake on a lab that cannot grade some questions (no Citus, a shared cluster …): the same for every student there.</summary>
    public int Possible(IEnumerable<string> notGradedHere) => Total() - notGradedHere.Distinct().Sum(id => _byQuestion.GetValueOrDefault(id));

    public static LabPoints Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LabPointsException($"{path} is missing: the points per question live there (copy exercises/{FileName} from the lab's repository).");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static LabPoints Parse(string json, string source)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true }).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new LabPointsException($"{source} is not JSON ({e.Message}).");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LabPointsException($"{source} must be a JSON object with one object per part (\"part1\": {{\"1.1\": 2, …}}, …, \"reflections\": {{…}}).");
        }

        var problems = new List<string>();
        var points = new Dictionary<string, int>(StringComparer.Ordinal);
        var partKeys = Parts.ToDictionary(PartKey);
        foreach (var property in root.EnumerateObject().Where(p => !p.Name.StartsWith('$')))
        {
            if (!partKeys.TryGetValue(property.Name, out var part))
            {
                problems.Add($"\"{property.Name}\" is no part of the lab (the parts: {string.Join(", ", partKeys.Keys)})");
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"\"{property.Name}\" must be an object of question → points");
                continue;
            }

            var questions = LabQuestions.All.Where(q => q.Part == part).Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var question in property.Value.EnumerateObject())
            {
                if (!questions.Contains(question.Name))
                {
                    var elsewhere = LabQuestions.All.FirstOrDefault(q => q.Id == question.Name);
                    problems.Add(elsewhere is null
                        ? $"\"{property.Name}\".\"{question.Name}\" is no question of the lab"
                        : $"\"{question.Name}\" belongs in \"{PartKey(elsewhere.Part)}\", not in \"{property.Name}\"");
                }
                else if (question.Value.ValueKind != JsonValueKind.Number || !question.Value.TryGetInt32(out var value) || value < 0)
                {
                    problems.Add($"\"{property.Name}\".\"{question.Name}\" is {question.Value.GetRawText()}: points are whole numbers, 0 or more");
                }
                else
                {
                    points[question.Name] = value;
                }
            }

            problems.AddRange(questions.Where(q => !points.ContainsKey(q) && !property.Value.TryGetProperty(q, out _))
                .Select(q => $"\"{property.Name}\" has no \"{q}\" (give it 0 to leave it out of the mark)"));
        }

        problems.AddRange(partKeys.Keys.Where(k => !root.TryGetProperty(k, out _)).Select(k => $"the part \"{k}\" is missing"));
        if (problems.Count > 0)
        {
            throw new LabPointsException($"{source}: {string.Join("; ", problems)}.");
        }

        return new LabPoints(points);
    }
}
