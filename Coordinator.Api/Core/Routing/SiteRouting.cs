using System.Text.Json;
using System.Text.RegularExpressions;
using MediAI.Coordinator.Core.Cluster;

namespace MediAI.Coordinator.Core.Routing;

/// <summary>One task of a distributed plan: which site ran it, on which shard.</summary>
public sealed record RoutedTask(string Site, string City, string Node, string? Shards);

/// <summary>How Citus ran a statement, read from EXPLAIN (FORMAT JSON).</summary>
public sealed record SiteRouting(string Kind, int TaskCount, IReadOnlyList<string> Sites, IReadOnlyList<RoutedTask> Tasks)
{
    /// <summary>router: one task at one site; multi-shard: several tasks; local: no Citus scan (plain tables or plain PostgreSQL).</summary>
    public static SiteRouting From(JsonElement plan, LabClusterOptions lab)
    {
        var tasks = new List<RoutedTask>();
        var taskCount = 0;
        var distributed = false;
        Walk(plan);
        var kind = !distributed ? "local" : taskCount <= 1 ? "router" : "multi-shard";
        return new SiteRouting(kind, taskCount, tasks.Select(t => t.Site).Distinct().Order().ToList(), tasks);

        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    if (element.TryGetProperty("Task Count", out var count) && count.ValueKind == JsonValueKind.Number)
                    {
                        distributed = true;
                        taskCount += count.GetInt32();
                    }

                    if (element.TryGetProperty("Node", out var node) && node.ValueKind == JsonValueKind.String)
                    {
                        tasks.Add(Task(node.GetString()!, element));
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        RoutedTask Task(string node, JsonElement task)
        {
            // "host=127.0.0.1 port=5535 dbname=mediAI"
            var host = Regex.Match(node, @"host=(\S+)").Groups[1].Value;
            var port = int.TryParse(Regex.Match(node, @"port=(\d+)").Groups[1].Value, out var p) ? p : 0;
            var site = lab.Nodes.FirstOrDefault(n => n.ClusterPort == port && (n.ClusterHost == host || host.Length == 0));
            var shards = Regex.Matches(task.GetRawText(), @"\b[a-z_]+_1\d{5,}\b").Select(m => m.Value).Distinct().ToList();
            return new RoutedTask(site?.Site ?? "unknown", site?.City ?? node, $"{host}:{port}", shards.Count > 0 ? string.Join(",", shards) : null);
        }
    }
}
