using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.AppModel;

/// <summary>What a student sees when the machine cannot run the lab as asked.</summary>
[Collection(Port5432.Collection)]
public sealed class SetupErrorTests
{
    private static Task<(int ExitCode, string Output)> RunAppHostAsync(params string[] args) =>
        AppHostProcess.RunToExitAsync(args, TimeSpan.FromSeconds(60));

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
    public async Task An_exercises_folder_that_is_not_there_is_named_with_what_to_do()
    {
        var (exitCode, output) = await RunAppHostAsync("--Lab:Mode=containers", "--Lab:Exercises=/nonexistent/exercises");
        Assert.Equal(1, exitCode);
        Assert.Contains("--Lab:Exercises=/nonexistent/exercises: no such folder", output);
        Assert.DoesNotContain("   at ", output);
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
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Lab:Mode=containers", "--Lab:CheckEngine=false"]);
            var door = (IResourceWithEndpoints)builder.Resources.Single(r => r.Name == "agent-paris");
            var port = door.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == ClientDoor.EndpointName).Port;
            Assert.NotNull(port);
            Assert.True(port > 5432, $"expected a port after 5432, got {port}");
        }
        finally
        {
            holder?.Stop();
        }
    }

    [Fact]
    public async Task Docker_installed_but_not_running_is_one_message_saying_what_to_do()
    {
        Assert.SkipUnless(DockerCli.Run("--version").Ok, "needs the docker CLI (installed, engine not required)");

        // The CLI is there, but its engine does not answer: Docker Desktop not started yet.
        var (exitCode, output) = await AppHostProcess.RunToExitAsync(
            ["--Lab:Mode=containers"], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });
        Assert.Equal(1, exitCode);
        Assert.Contains("installed but its engine is not running. Start Docker Desktop", output);
        Assert.Contains("--Lab:Mode=local", output);
        Assert.DoesNotContain("   at ", output);
    }
}
