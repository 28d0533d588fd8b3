using System.Diagnostics;
using MediAI.AppHost.Containers;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// A lab started right after another stopped (Ctrl+C, then run again) finds the old node
/// containers while DCP, which outlives the AppHost by about a second, is still removing them.
/// Seen in CI: the engine refused the new lab's `rm` ("removal … already in progress") and the
/// lab exited before it began.
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class StaleContainerTests
{
    [Fact]
    public void A_node_container_the_engine_is_already_removing_is_waited_for_and_the_start_goes_on()
    {
        ContainerEngine.Require();
        const string container = "citus_worker3";
        // A dead lab's container whose removal takes a while: 60,000 files in its layer (about 0.7 s).
        var made = ContainerEngine.Docker("run", "--name", container, "--label", $"{StaleContainers.OwnerLabel}=2147483000",
            "--entrypoint", "sh", ContainerEngine.PlainImage, "-c", "mkdir /tmp/m && cd /tmp/m && seq 1 60000 | xargs touch");
        try
        {
            Assert.True(made.Ok, made.Error);

            // Another remover (DCP, in a lab) gets there first.
            using var other = Process.Start(new ProcessStartInfo(DockerCli.Runtime, ["rm", "--force", container]) { RedirectStandardError = true })!;
            Thread.Sleep(100);

            StaleContainers.Clear(NullLogger.Instance);

            Assert.False(ContainerEngine.Docker("container", "inspect", container).Ok, $"{container} still exists");
            other.WaitForExit(TimeSpan.FromSeconds(30));
        }
        finally
        {
            ContainerEngine.Docker("rm", "--force", container);
        }
    }
}
