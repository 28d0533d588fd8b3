using MediAI.Coordinator;
using MediAI.Coordinator.Core.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>The real coordinator API hosted in the test process, on a loopback port, for the given cluster.</summary>
public sealed class TestCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestCoordinator(WebApplication app, Uri address)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = address };
    }

    public HttpClient Http { get; }

    public static Task<TestCoordinator> StartAsync(LabClusterOptions lab, params string[] extra) => StartAsync(lab, null, extra);

    /// <summary>The API with exactly these settings (external mode: the coordinator's connection string, no node of its own).</summary>
    public static async Task<TestCoordinator> StartWithArgsAsync(params string[] args)
    {
        var app = await CoordinatorApp.BuildAsync(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. args]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestCoordinator(app, new Uri(address));
    }

    /// <param name="configure">Adds to the API's services before it is built (a job kind of the test's own).</param>
    public static async Task<TestCoordinator> StartAsync(LabClusterOptions lab, Action<WebApplicationBuilder>? configure, params string[] extra)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--Lab:DataDir={lab.DataDir}" };
        foreach (var n in lab.Nodes)
        {
            args.AddRange([
                $"--ConnectionStrings:{n.Site}=Host={n.Host};Port={n.Port};Username={lab.UserName};Password={lab.Password}",
                $"--Lab:ClusterAddresses:{n.Site}={n.ClusterHost}:{n.ClusterPort}",
            ]);
        }

        var app = await CoordinatorApp.BuildAsync([.. args, .. extra], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestCoordinator(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
