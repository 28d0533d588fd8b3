using MediAI.Coordinator;
using MediAI.Coordinator.Cluster;
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

    public static async Task<TestCoordinator> StartAsync(LabClusterOptions lab, params string[] extra)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--Lab:Password={lab.Password}", $"--Lab:DataDir={lab.DataDir}" };
        for (var i = 0; i < lab.Nodes.Count; i++)
        {
            var n = lab.Nodes[i];
            args.AddRange([
                $"--Lab:Nodes:{i}:Site={n.Site}", $"--Lab:Nodes:{i}:City={n.City}", $"--Lab:Nodes:{i}:Country={n.Country}",
                $"--Lab:Nodes:{i}:SiteOrigin={n.SiteOrigin}", $"--Lab:Nodes:{i}:Role={n.Role}",
                $"--Lab:Nodes:{i}:Host={n.Host}", $"--Lab:Nodes:{i}:Port={n.Port}",
                $"--Lab:Nodes:{i}:ClusterHost={n.ClusterHost}", $"--Lab:Nodes:{i}:ClusterPort={n.ClusterPort}",
            ]);
        }

        var app = CoordinatorApp.Build([.. args, .. extra]);
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
