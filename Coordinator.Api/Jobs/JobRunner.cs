using System.Diagnostics;

namespace MediAI.Coordinator.Jobs;

/// <summary>
/// Runs the lab's long jobs, one at a time lab-wide (two would fight over the same cluster: a
/// campaign's faults under a data load, a grading run during a campaign). A second start while one
/// runs is refused (409, naming the running job); cancel stops it; cleanup always follows; the last
/// few jobs stay visible. When the API stops, the running job is cancelled and cleaned up first.
/// </summary>
public sealed partial class JobRunner(ILogger<JobRunner> logger) : IHostedService
{
    public static readonly ActivitySource Source = new("MediAI.Coordinator.Jobs");
    private const int KeptJobs = 20;
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMinutes(2);

    private readonly Lock _lock = new();
    private readonly List<Entry> _jobs = [];
    private Entry? _running;

    private sealed class Entry(string id, string kind, ILabJob job)
    {
        public string Id => id;
        public string Kind => kind;
        public ILabJob Job => job;
        public JobProgress Progress { get; } = new();
        public CancellationTokenSource Cancel { get; } = new();
        public DateTime StartedAt { get; } = DateTime.UtcNow;
        public DateTime? EndedAt { get; set; }
        public JobState State { get; set; } = JobState.Running;
        public object? Result { get; set; }
        public string? Error { get; set; }
        public string? CleanupError { get; set; }
        public Task Completion { get; set; } = Task.CompletedTask;

        public JobStatus Status() => new(Id, Kind, Job.Description, State, StartedAt, EndedAt, Progress.View(), Result, Error, CleanupError);
    }

    /// <summary>Starts the job, or answers the one already running (and starts nothing).</summary>
    public (JobStatus? Started, JobStatus? AlreadyRunning) TryStart(string kind, ILabJob job)
    {
        Entry entry;
        lock (_lock)
        {
            if (_running is { } busy)
            {
                return (null, busy.Status());
            }

            entry = new Entry(Guid.NewGuid().ToString("N")[..12], kind, job);
            _running = entry;
            _jobs.Add(entry);
            if (_jobs.Count > KeptJobs)
            {
                _jobs.RemoveAt(0);
            }
        }

        entry.Completion = Task.Run(() => RunAsync(entry));
        return (entry.Status(), null);
    }

    /// <summary>The job running now, or null.</summary>
    public JobStatus? Running()
    {
        lock (_lock)
        {
            return _running?.Status();
        }
    }

    public JobStatus? Find(string id)
    {
        lock (_lock)
        {
            return _jobs.FirstOrDefault(j => j.Id == id)?.Status();
        }
    }

    public IReadOnlyList<JobStatus> All()
    {
        lock (_lock)
        {
            return [.. _jobs.Select(j => j.Status()).Reverse()];
        }
    }

    /// <summary>Asks a running job to stop (it then cleans up); false when it is not running.</summary>
    public bool Cancel(string id)
    {
        Entry? entry;
        lock (_lock)
        {
            entry = _jobs.FirstOrDefault(j => j.Id == id);
        }

        if (entry is not { State: JobState.Running })
        {
            return false;
        }

        entry.Cancel.Cancel();
        return true;
    }

    private async Task RunAsync(Entry entry)
    {
        using var activity = Source.StartActivity($"job {entry.Kind}");
        activity?.SetTag("mediai.job.id", entry.Id);
        activity?.SetTag("mediai.job.description", entry.Job.Description);
        LogStarted(logger, entry.Kind, entry.Id, entry.Job.Description);
        // The outcome shows only once cleanup is done too: until then the job is Running and the
        // lab is not free (a client that sees "Cancelled" may start the next job at once).
        JobState outcome;
        try
        {
            entry.Result = await entry.Job.RunAsync(entry.Progress, entry.Cancel.Token);
            outcome = JobState.Succeeded;
        }
        catch (OperationCanceledException) when (entry.Cancel.IsCancellationRequested)
        {
            outcome = JobState.Cancelled;
            entry.Progress.Log("cancelled: cleaning up");
        }
#pragma warning disable CA1031 // A job's failure of any kind is its status, not the API's crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = JobState.Failed;
            entry.Error = e.Message;
            entry.Progress.Log($"failed: {e.Message}");
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogFailed(logger, e, entry.Kind, entry.Id, e.Message);
        }

        // Cleanup always runs, bounded, with its own token: a cancelled job must still heal what it broke.
        using (var cleanup = new CancellationTokenSource(CleanupLimit))
        {
            try
            {
                await entry.Job.CleanupAsync(cleanup.Token);
            }
#pragma warning disable CA1031 // Reported on the job, and the lab is free again either way.
            catch (Exception e)
#pragma warning restore CA1031
            {
                entry.CleanupError = e.Message;
                entry.Progress.Log($"cleanup failed: {e.Message}");
                LogCleanupFailed(logger, e, entry.Kind, entry.Id, e.Message);
            }
        }

        lock (_lock)
        {
            entry.State = outcome;
            entry.EndedAt = DateTime.UtcNow;
            _running = null;
        }

        activity?.SetTag("mediai.job.state", entry.State.ToString());
        LogEnded(logger, entry.Kind, entry.Id, entry.State);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Entry? running;
        lock (_lock)
        {
            running = _running;
        }

        if (running is not null)
        {
            await running.Cancel.CancelAsync();
            await running.Completion.WaitAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Kind} {Id} started: {Description}")]
    private static partial void LogStarted(ILogger logger, string kind, string id, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Kind} {Id} ended: {State}")]
    private static partial void LogEnded(ILogger logger, string kind, string id, JobState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Kind} {Id} failed: {Message}")]
    private static partial void LogFailed(ILogger logger, Exception e, string kind, string id, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Kind} {Id}: cleanup failed: {Message}. Check the lab (heal all faults, Reset lab data).")]
    private static partial void LogCleanupFailed(ILogger logger, Exception e, string kind, string id, string message);
}
