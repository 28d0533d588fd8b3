using System.Globalization;
using Npgsql;

namespace MediAI.Coordinator.Core.Cluster;

/// <summary>Server settings a session starts with (libpq's options, <c>-c name=value</c>).</summary>
public static class SessionSettings
{
    /// <summary>
    /// Sessions opened with <paramref name="builder"/> start with these settings, after any its
    /// Options already give (an existing cluster's connection string may carry some of its own).
    /// </summary>
    public static NpgsqlConnectionStringBuilder WithSettings(this NpgsqlConnectionStringBuilder builder, params (string Name, string Value)[] settings)
    {
        var added = string.Join(' ', settings.Select(s => $"-c {s.Name}={s.Value}"));
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? added : $"{builder.Options} {added}";
        return builder;
    }

    /// <summary>How long Citus waits for a new link to a node (<c>citus.node_connection_timeout</c>, in ms).</summary>
    public static (string Name, string Value) NodeConnectionTimeout(TimeSpan timeout) =>
        ("citus.node_connection_timeout", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
}
