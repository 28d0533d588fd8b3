using System.Text.Json;

namespace MediAI.Coordinator.Jobs;

/// <summary>
/// A job's parameters as its request sends them (POST /jobs/{kind} with a JSON object; no body:
/// every default). Each reader gives the value, or the default and an error naming the field.
/// </summary>
public readonly struct JobParameters
{
    private readonly JsonElement? _json;
    private readonly Dictionary<string, string[]> _errors;

    /// <param name="example">The body as it should look, for the message when it is not an object.</param>
    public JobParameters(JsonElement? json, Dictionary<string, string[]> errors, string example)
    {
        _errors = errors;
        _json = json is { ValueKind: JsonValueKind.Object } ? json : null;
        if (_json is null && json is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            errors["body"] = [$"must be a JSON object: {example}"];
        }
    }

    public int WholeNumber(string name, int defaultValue, int min, int max, string error) =>
        Read(name, defaultValue, error, v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max ? n : null);

    public double Number(string name, double defaultValue, double min, double max, string error) =>
        Read(name, defaultValue, error, v => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var n) && n >= min && n <= max ? n : null);

    public bool Boolean(string name, bool defaultValue, string error) =>
        Read(name, defaultValue, error, v => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null);

    /// <summary>A string, or null when absent; <paramref name="valid"/> says what is wrong with it (null: nothing).</summary>
    public string? Text(string name, Func<string, string?> valid)
    {
        if (_json is not { } json || !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var problem = value.ValueKind == JsonValueKind.String ? valid(value.GetString()!) : "must be a string";
        if (problem is null)
        {
            return value.GetString();
        }

        _errors[name] = [problem];
        return null;
    }

    private T Read<T>(string name, T defaultValue, string error, Func<JsonElement, T?> parse)
        where T : struct
    {
        if (_json is not { } json || !json.TryGetProperty(name, out var value))
        {
            return defaultValue;
        }

        if (parse(value) is { } parsed)
        {
            return parsed;
        }

        _errors[name] = [error];
        return defaultValue;
    }
}
