using System.Text.Json;

namespace MediAI.Coordinator.Jobs;

/// <summary>
/// A long piece of lab work started from a dashboard command, the API or a CLI (a fault campaign,
/// the data generator, class grading). The runner gives it progress, a cancellation token and one
/// guarantee: <see cref="CleanupAsync"/> runs after it, however it ended.
/// </summary>
public interface ILabJob
{
    /// <summary>What it is, for messages: "a fault campaign of 200 transfers (seed 42)".</summary>
    string Description { get; }

    /// <summary>Does the work; its result is what GET /jobs/{id} shows once it succeeded.</summary>
    Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken);

    /// <summary>
    /// Why the job cannot start on this lab as it is (not enough free disk, say), asked before it
    /// starts: POST /jobs/{kind} then answers 422 with it, and nothing changes. Null: it can start.
    /// </summary>
    Task<string?> RefusalAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Puts the lab back as the job found it (heals faults, drops temporary objects), after success, failure or cancel.</summary>
    Task CleanupAsync(CancellationToken cancellationToken);
}

/// <summary>Makes one kind of job from a request's parameters, or says which parameter is wrong.</summary>
public interface ILabJobFactory
{
    /// <summary>The kind in the URL: POST /jobs/{kind}.</summary>
    string Kind { get; }

    /// <summary>Null when a parameter is wrong; <paramref name="errors"/> then names each field (400).</summary>
    ILabJob? Create(JsonElement? parameters, Dictionary<string, string[]> errors);
}
