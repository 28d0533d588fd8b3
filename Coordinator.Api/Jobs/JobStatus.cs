namespace MediAI.Coordinator.Jobs;

/// <summary>Where a job is in its life.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<JobState>))]
public enum JobState { Running, Succeeded, Failed, Cancelled }

/// <summary>A job as GET /jobs/{id} shows it.</summary>
public sealed record JobStatus(
    string Id,
    string Kind,
    string Description,
    JobState State,
    DateTime StartedAt,
    DateTime? EndedAt,
    JobProgressView Progress,
    object? Result,
    string? Error,
    string? CleanupError);
