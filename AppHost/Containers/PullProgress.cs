using System.Globalization;
using System.Text.Json;

namespace MediAI.AppHost.Containers;

/// <summary>
/// A pull as the engine reports it, layer by layer (its JSON progress stream): bytes downloaded,
/// layers done, and whether anything moved since the last look (the stall timer's question).
/// </summary>
public sealed class PullProgress
{
    private readonly Dictionary<string, (long Current, long Total, bool Done)> _layers = new(StringComparer.Ordinal);
    private long _movement;
    private long _seenMovement;

    public long Bytes => _layers.Values.Sum(l => l.Done ? l.Total : l.Current);

    public long TotalBytes => _layers.Values.Sum(l => l.Total);

    /// <summary>The engine's error, when the stream reported one (the pull has then failed).</summary>
    public string? Error { get; private set; }

    /// <summary>True once per change since the last call: bytes arrived, a layer finished or appeared.</summary>
    public bool Moved()
    {
        var moved = _movement != _seenMovement;
        _seenMovement = _movement;
        return moved;
    }

    /// <summary>Reads one line of the engine's stream: {"status":"Downloading","progressDetail":{"current":…,"total":…},"id":"…"}.</summary>
    public void Apply(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            Error = error.GetString();
            return;
        }

        if (!root.TryGetProperty("id", out var idElement) || !root.TryGetProperty("status", out var statusElement))
        {
            return;
        }

        var id = idElement.GetString() ?? "";
        var status = statusElement.GetString() ?? "";
        // Lines about the image itself ("Pulling from citusdata/citus", a tag as id) are not layers.
        if (status.StartsWith("Pulling from", StringComparison.Ordinal) || status.StartsWith("Digest", StringComparison.Ordinal))
        {
            return;
        }

        _layers.TryGetValue(id, out var layer);
        var before = layer;
        if (root.TryGetProperty("progressDetail", out var detail) && detail.ValueKind == JsonValueKind.Object
            && detail.TryGetProperty("current", out var current) && status == "Downloading")
        {
            layer.Current = current.GetInt64();
            if (detail.TryGetProperty("total", out var total))
            {
                layer.Total = Math.Max(layer.Total, total.GetInt64());
            }
        }

        if (status is "Pull complete" or "Already exists" or "Download complete")
        {
            layer.Done = status != "Download complete" || layer.Done;
            layer.Current = layer.Total;
        }

        // Extracting a big layer moves too, with no new bytes.
        var extracting = status == "Extracting" && detail.ValueKind == JsonValueKind.Object;
        if (!_layers.ContainsKey(id) || layer != before || extracting)
        {
            _movement++;
        }

        _layers[id] = layer;
    }

    public override string ToString()
    {
        static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("0", CultureInfo.InvariantCulture);
        if (_layers.Count == 0)
        {
            return "every layer was already here";
        }

        var done = _layers.Values.Count(l => l.Done);
        var total = TotalBytes;
        return total > 0
            ? $"{Mb(Bytes)} of {Mb(total)} MB ({100 * Bytes / total} %), {done}/{_layers.Count} layers done"
            : $"{done}/{_layers.Count} layers done";
    }
}
