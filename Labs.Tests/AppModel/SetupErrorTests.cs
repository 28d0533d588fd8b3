using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;

namespace MediAI.Labs.Tests.AppModel;

/// <summary>What a student sees when the machine cannot run the lab as asked.</summary>
[Collection(Port5432.Collection)]
public sealed class SetupErrorTests
{
    private static string AppHostDll => Path.Combine(AppContext.BaseDirectory, "AppHost.dll");

    private static async Task<(int ExitCode, string Output)> RunAppHostAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [AppHostDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task No_postgres_where_the_student_pointed_is_one_message_and_exit_1()
    {
        var (exitCode, output) = await RunAppHostAsync("--Lab:Mode=local", "--Lab:PostgresBin=/nonexistent/postgres/bin");
        Assert.Equal(1, exitCode);
        Assert.Contains("No PostgreSQL server programs (postgres, initdb) in /nonexistent/postgres/bin", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task A_pinned_port_in_use_is_named_with_what_to_do()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (exitCode, output) = await RunAppHostAsync("--Lab:Mode=containers", $"--Lab:CoordinatorPort={port}");
        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} (--Lab:CoordinatorPort) is already in use", output);
    }

    [Fact]
    public async Task When_5432_is_taken_the_coordinator_takes_the_next_free_port()
    {
        TcpListener? holder = null;
        if (FreePorts.IsFree(5432))
        {
            holder = new TcpListener(IPAddress.Loopback, 5432);
            holder.Start();
        }

        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Lab:Mode=containers"]);
            var paris = (IResourceWithEndpoints)builder.Resources.Single(r => r.Name == "paris");
            var port = paris.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp").Port;
            Assert.NotNull(port);
            Assert.True(port > 5432, $"expected a port after 5432, got {port}");
        }
        finally
        {
            holder?.Stop();
        }
    }
}
