using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace MediAI.Coordinator.Core.Sessions;

/// <summary>
/// Carries the current trace to every site a transaction touches: Citus forwards
/// <c>SET LOCAL mediai.traceparent</c> to each worker (citus.propagate_set_commands = local),
/// and the site agents parent their spans under it.
/// </summary>
public static partial class TracePropagation
{
    /// <summary>Inside an open transaction: joins the sites' spans to <see cref="Activity.Current"/>.</summary>
    public static async Task SetLocalTraceparentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return;
        }

        var traceparent = activity.Id!;
        // SET takes no parameters; the value is spliced only after checking it is a W3C traceparent.
        if (!W3CTraceParent().IsMatch(traceparent))
        {
            return;
        }

        await using var command = new NpgsqlCommand($"SET LOCAL mediai.traceparent = '{traceparent}'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex W3CTraceParent();
}
