namespace MediAI.Coordinator.Jobs;

/// <summary>
/// How far a job is: done of total, the step it is on, and its last lines of log — what the
/// dashboard, GET /jobs/{id} and the CLI show while it runs. Written by the job, read by anyone.
/// </summary>
public sealed class JobProgress
{
    private const int KeptLines = 200;
    private readonly Lock _lock = new();
    private readonly Queue<string> _lines = new();
    private long _done;
    private long _total;
    private string _step = "starting";

    public void Report(long done, long total, string step)
    {
        lock (_lock)
        {
            _done = done;
            _total = total;
            _step = step;
        }
    }

    /// <summary>A line for the job's log (the last 200 are kept).</summary>
    public void Log(string line)
    {
        lock (_lock)
        {
            if (_lines.Count == KeptLines)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss} {line}");
        }
    }

    public JobProgressView View()
    {
        lock (_lock)
        {
            return new JobProgressView(_done, _total, _step, [.. _lines]);
        }
    }
}

/// <summary>A moment of a job's progress, as the API shows it.</summary>
public sealed record JobProgressView(long Done, long Total, string Step, IReadOnlyList<string> Log)
{
    public override string ToString() => Total > 0 ? $"{Done}/{Total} {Step}" : Step;
}
