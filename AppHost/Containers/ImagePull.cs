using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Containers;

/// <summary>How a pull ended: <c>Error</c> is null when the image is here; <c>Bytes</c> downloaded.</summary>
public sealed record PullResult(string? Error, long Bytes);

/// <summary>
/// Pulls an image with its progress in the terminal, and gives up when nothing has moved for
/// <c>stallTimeout</c> (a blocked registry, a dropped network, an engine retrying in vain):
/// a slow pull that moves goes on; a stuck one ends with a message instead of a lab that waits forever.
/// </summary>
public sealed class ImagePull(ILogger logger, TimeSpan stallTimeout)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(3);

    public async Task<PullResult> PullAsync(string reference, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var progress = new PullProgress();
        using var engine = EngineSocket.Connect();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stalled = false;
        logger.LogInformation("Pulling {Image} (about 400 MB the first time; progress every few seconds) …", reference);

        // The watchdog: reports progress, and cancels the pull when nothing moved for stallTimeout.
        var watchdog = Task.Run(async () =>
        {
            var lastMove = Stopwatch.StartNew();
            var lastReport = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
                bool moved;
                lock (progress)
                {
                    moved = progress.Moved();
                }

                if (moved)
                {
                    lastMove.Restart();
                }
                else if (lastMove.Elapsed > stallTimeout)
                {
                    stalled = true;
                    stop.Cancel();
                    return;
                }

                if (moved && lastReport.Elapsed > ReportEvery)
                {
                    lastReport.Restart();
                    lock (progress)
                    {
                        logger.LogInformation("Pulling {Image}: {Progress}", reference, progress);
                    }
                }
            }
        }, CancellationToken.None);

        string? error;
        try
        {
            error = engine is null
                ? await PullWithCliAsync(reference, progress, stop.Token)
                : await PullWithEngineAsync(engine, reference, progress, stop.Token);
        }
        catch (OperationCanceledException) when (stalled)
        {
            error = $"nothing arrived for {stallTimeout.TotalSeconds:0} s (the registry is blocked, unreachable or stopped answering)";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }
        finally
        {
            await stop.CancelAsync();
            await watchdog;
        }

        lock (progress)
        {
            if (error is null)
            {
                logger.LogInformation("Pulled {Image} in {Seconds:0} s ({Progress})", reference, clock.Elapsed.TotalSeconds, progress);
            }

            return new PullResult(error, progress.Bytes);
        }
    }

    /// <summary>POST /images/create: the engine streams one JSON object per line while it pulls.</summary>
    private static async Task<string?> PullWithEngineAsync(HttpClient engine, string reference, PullProgress progress, CancellationToken cancellationToken)
    {
        var (repository, tag) = ImageReference.Split(reference);
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"images/create?fromImage={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}");
        using var response = await engine.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // {"message":"Get \"https://…/v2/\": dial tcp …: connect: connection refused"}
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.GetProperty("message").GetString();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException)
            {
                return body.Trim();
            }
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lock (progress)
            {
                progress.Apply(line);
                if (progress.Error is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    /// <summary>Where the engine's socket cannot be found: the CLI's own lines (one per layer step) are the progress.</summary>
    private static async Task<string?> PullWithCliAsync(string reference, PullProgress progress, CancellationToken cancellationToken)
    {
        using var process = DockerCli.Start("pull", reference);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                // "3f4ca61aafcd: Pull complete": a layer id and a status, as the engine's stream has them.
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0)
                {
                    lock (progress)
                    {
                        progress.Apply(JsonSerializer.Serialize(new { id = line[..colon], status = line[(colon + 2)..] }));
                    }
                }
            }

            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? null : (await errors).Trim();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
