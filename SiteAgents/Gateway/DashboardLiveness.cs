namespace MediAI.SiteAgents.Gateway;

/// <summary>
/// Whether the dashboard a trace link points at answers now: asked every few seconds, off the
/// relay's path, so a link is given only while it would open (no dead links when the dashboard is
/// gone, or was never given: Site:DashboardUrl empty). Any HTTP answer counts; no answer in 2 s does not.
/// </summary>
public sealed partial class DashboardLiveness(SiteAgentOptions site, ILogger<DashboardLiveness> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(3);
    private volatile bool _up;

    public bool IsUp => _up;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (site.DashboardUrl is not { Length: > 0 } url || !Uri.TryCreate(url, UriKind.Absolute, out var dashboard))
        {
            return;
        }

        // Its own client: the lab's default one retries for seconds, and a probe must answer now.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(2) };
        while (!stoppingToken.IsCancellationRequested)
        {
            var was = _up;
            try
            {
                using var response = await http.GetAsync(dashboard, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
                _up = true;
            }
            catch (Exception e) when (BriefCalls.IsUnanswered(e, stoppingToken))
            {
                _up = false;
            }

            if (was != _up)
            {
                LogDashboard(logger, site.City, url, _up ? "answers: statements get their trace link" : "does not answer: no trace links until it does");
            }

            try
            {
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{City}: the dashboard at {Url} {State}")]
    private static partial void LogDashboard(ILogger logger, string city, string url, string state);
}
