using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediAI.SiteAgents.Faults;

/// <summary>
/// A fault to add, in Toxiproxy's shape:
/// <c>{"name": "lag", "type": "latency", "stream": "downstream", "toxicity": 0.5, "attributes": {"latency": 100, "jitter": 10}}</c>.
/// </summary>
public sealed class FaultRequest
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Stream { get; set; }
    public Dictionary<string, JsonElement>? Attributes { get; set; }

    /// <summary>The share of links the fault acts on, 0 to 1 (Toxiproxy's toxicity; default 1: every link).</summary>
    public double? Toxicity { get; set; }

    [JsonIgnore]
    public Protocol.Flow? Flow => Stream?.ToLowerInvariant() switch
    {
        "upstream" => Protocol.Flow.Upstream,
        "downstream" => Protocol.Flow.Downstream,
        _ => null,
    };

    /// <summary>A whole-number attribute in [min, max], or an error for that field.</summary>
    public int WholeNumber(string attribute, int defaultValue, int min, int max, Dictionary<string, string[]> errors)
    {
        if (Attributes is null || !Attributes.TryGetValue(attribute, out var value))
        {
            return defaultValue;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors[$"attributes.{attribute}"] = [$"must be a whole number from {min} to {max}"];
        return defaultValue;
    }

    /// <summary>A boolean attribute (true or false, not "true" nor 1), or an error for that field.</summary>
    public bool Boolean(string attribute, bool defaultValue, Dictionary<string, string[]> errors)
    {
        if (Attributes is null || !Attributes.TryGetValue(attribute, out var value))
        {
            return defaultValue;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors[$"attributes.{attribute}"] = ["must be true or false"];
        return defaultValue;
    }
}
