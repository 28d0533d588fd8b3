using System.Text.RegularExpressions;
using MediAI.AppHost.Containers;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// The node image before anything waits on it (issue 12), on a real engine and a real registry on
/// loopback: pulled through a mirror with progress, a pull cut half-way, an unreachable registry,
/// the classroom offline kit and what goes wrong with it. The lab is the AppHost run as a student
/// runs it; what it prints in the terminal is what is checked.
/// </summary>
[Collection(LabProcesses.Collection)]
public sealed class NodeImageSourceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private const string WaysOut = "Ways out:";
    private const string LocalMode = "Continuing in local mode";

    private static void Require()
    {
        ContainerEngine.Require();
        Assert.SkipWhen(LocalRegistry.WhyNot is not null, LocalRegistry.WhyNot ?? "");
    }

    private static string Unique(string name) => $"mediai-test/{name}:{Guid.NewGuid():N}"[..(name.Length + 25)];

    /// <summary>The lab's usual arguments for a run that may end in local mode: its own data folder and port.</summary>
    private static string[] LabArgs(string image, string dataDir, params string[] more) =>
    [
        "--Lab:Mode=containers", $"--Lab:Image={image}", $"--Lab:DataDir={dataDir}", "--Lab:Volumes=false",
        $"--Lab:CoordinatorPort={FreePorts.FirstFree(26_000 + Random.Shared.Next(0, 900), new HashSet<int>())}", .. more,
    ];

    [Fact]
    public async Task Pulled_through_a_mirror_with_progress_then_kept_under_the_name_the_lab_asked_for()
    {
        Require();
        // 4 MB/s: the 20 MB layer takes 5 s, so progress is printed on the way.
        await using var registry = await LocalRegistry.StartAsync(bytesPerSecond: 4_000_000);
        var image = Unique("mirrored");
        var dataDir = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        using (var big = TestImage.WithOwnLayer(megabytes: 20))
        {
            // Pushed, then removed here: the pull must fetch its own layer again.
            registry.Push(big.Name, image);
        }

        try
        {
            await using var lab = AppHostProcess.Start(LabArgs(image, dataDir, $"--Lab:Registry={registry.Address}"));
            await lab.WaitForLineAsync("MediAI lab: nodes run as containers", Limit);

            Assert.Matches($@"Pulling {Regex.Escape(registry.Address + "/" + image)}: \d+ of \d+ MB \(\d+ %\), \d+/\d+ layers done", lab.Output);
            Assert.Matches(@"Pulled \S+ in \d+ s \(\d+ of \d+ MB \(100 %\), \d+/\d+ layers done\)", lab.Output);
            Assert.True(NodeImage.Inspect(image).Present, "the image is kept under the name the lab asked for");
            Assert.False(NodeImage.Inspect($"{registry.Address}/{image}").Present, "the mirror's name for it is not left behind");
            Assert.DoesNotContain(WaysOut, lab.Output);
        }
        finally
        {
            ContainerEngine.Docker("image", "rm", "--force", image);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_registry_stopped_mid_pull_gives_one_message_and_the_lab_ends_ready_in_local_mode()
    {
        Require();
        // 2 MB/s: the 40 MB layer takes 20 s, time enough to stop the registry in the middle.
        await using var registry = await LocalRegistry.StartAsync(bytesPerSecond: 2_000_000);
        var image = Unique("cut");
        var dataDir = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        using (var big = TestImage.WithOwnLayer(megabytes: 40))
        {
            registry.Push(big.Name, image);
        }

        try
        {
            await using var lab = AppHostProcess.Start(LabArgs(image, dataDir, $"--Lab:Registry={registry.Address}", "--Lab:PullTimeout=8"));
            await lab.WaitForLineAsync($"Pulling {registry.Address}/{image}: ", Limit);
            registry.StopRegistry();

            await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(90));
            var output = lab.Output;
            Assert.Contains($"The node image {image} is not on this machine, and it could not be pulled from the mirror {registry.Address}: nothing arrived for 8 s", output);
            foreach (var way in new[] { $"docker pull {image}", "--Lab:ImageFile=", "--Lab:Registry=", "--Lab:Mode=local" })
            {
                Assert.Contains(way, output);
            }

            Assert.Equal(1, Occurrences(output, WaysOut));
            // Nothing half-pulled stays under the lab's name, and no container was made for it.
            Assert.False(NodeImage.Inspect(image).Present);
            Assert.Empty(ContainerEngine.NodeContainers());

            await lab.WaitForLineAsync("MediAI lab ready", Limit);
            Assert.Contains("MediAI lab: nodes run as local processes", lab.Output);
        }
        finally
        {
            ContainerEngine.Docker("image", "rm", "--force", image, $"{registry.Address}/{image}");
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task An_unreachable_registry_gives_the_message_at_once_then_local_mode()
    {
        Require();
        var closed = FreePorts.FirstFree(25_000 + Random.Shared.Next(0, 900), new HashSet<int>());
        var image = Unique("nowhere");
        var dataDir = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        try
        {
            await using var lab = AppHostProcess.Start(LabArgs(image, dataDir, $"--Lab:Registry=127.0.0.1:{closed}"));
            await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(60));
            Assert.Contains($"could not be pulled from the mirror 127.0.0.1:{closed}: ", lab.Output);
            Assert.Contains("connection refused", lab.Output);
            Assert.Contains(WaysOut, lab.Output);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_mirror_that_serves_a_different_image_is_refused_and_nothing_keeps_its_name()
    {
        Require();
        await using var registry = await LocalRegistry.StartAsync();
        // Named as a Citus image, but plain PostgreSQL inside.
        var image = $"mediai-test/citus-node:99.1.{Random.Shared.Next(1000, 9999)}";
        var dataDir = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        registry.Push(ContainerEngine.PlainImage, image);
        try
        {
            await using var lab = AppHostProcess.Start(LabArgs(image, dataDir, $"--Lab:Registry={registry.Address}"));
            await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(90));
            Assert.Contains($"the mirror served a different image: its tag says Citus {ImageReference.Split(image).Tag}, but it holds no Citus", lab.Output);
            Assert.False(NodeImage.Inspect(image).Present);
            Assert.False(NodeImage.Inspect($"{registry.Address}/{image}").Present);
        }
        finally
        {
            ContainerEngine.Docker("image", "rm", "--force", image, $"{registry.Address}/{image}");
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_offline_kit_round_trip_save_remove_load_and_the_lab_is_ready_in_container_mode()
    {
        Require();
        var image = Unique("kit");
        var work = Directory.CreateTempSubdirectory("mediai-test-kit-").FullName;
        var kit = Path.Combine(work, "mediai-node-image.tar.gz");
        Assert.True(ContainerEngine.Docker("tag", ContainerEngine.PlainImage, image).Ok);
        try
        {
            var (exit, saved) = await AppHostProcess.RunToExitAsync([$"--Lab:Image={image}", $"--Lab:SaveImage={kit}"], Limit);
            Assert.True(exit == 0, saved);
            Assert.Matches(@"Wrote \S+: \d+ MB in \d+ s, SHA-256 [0-9a-f]{64}", saved);
            Assert.False(File.Exists(kit + ".partial"));

            Assert.True(ContainerEngine.Docker("image", "rm", image).Ok);
            Assert.False(NodeImage.Inspect(image).Present);

            await using var lab = AppHostProcess.Start(LabArgs(image, work, $"--Lab:ImageFile={kit}"));
            await lab.WaitForLineAsync("MediAI lab ready", Limit);
            Assert.Contains("Loading the node image from", lab.Output);
            Assert.Contains("MediAI lab: nodes run as containers", lab.Output);
            Assert.DoesNotContain(WaysOut, lab.Output);
        }
        finally
        {
            ContainerEngine.Docker("image", "rm", "--force", image);
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_kit_and_a_kit_of_another_image_each_say_what_to_do()
    {
        Require();
        var image = Unique("wanted");
        var other = Unique("other");
        var work = Directory.CreateTempSubdirectory("mediai-test-kit-").FullName;
        var damaged = Path.Combine(work, "damaged.tar.gz");
        var wrong = Path.Combine(work, "other.tar");
        Assert.True(ContainerEngine.Docker("tag", ContainerEngine.PlainImage, other).Ok);
        try
        {
            // A kit cut short, as a copy interrupted half-way leaves it.
            Assert.True(ContainerEngine.Docker("save", "-o", wrong, other).Ok);
            var bytes = await File.ReadAllBytesAsync(wrong, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length / 3)], TestContext.Current.CancellationToken);

            await using (var lab = AppHostProcess.Start(LabArgs(image, work, $"--Lab:ImageFile={damaged}")))
            {
                await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(90));
                Assert.Contains($"{damaged} is damaged or is not an image kit", lab.Output);
                Assert.Contains("Copy it again", lab.Output);
            }

            await using (var lab = AppHostProcess.Start(LabArgs(image, work, $"--Lab:ImageFile={wrong}")))
            {
                await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(90));
                Assert.Contains($"{wrong} holds {other}, not {image}", lab.Output);
                Assert.Contains($"--Lab:Image={other}", lab.Output);
            }

            Assert.False(NodeImage.Inspect(image).Present);
        }
        finally
        {
            ContainerEngine.Docker("image", "rm", "--force", other, image);
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_pull_into_an_engine_whose_disk_is_full_says_to_free_space_and_the_lab_goes_on_in_local_mode()
    {
        Require();
        Assert.SkipWhen(SmallDiskEngine.WhyNot is not null, SmallDiskEngine.WhyNot ?? "");
        await using var registry = await LocalRegistry.StartAsync();
        var image = Unique("toobig");
        var dataDir = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        // The plain node image is ~400 MB: more than the small engine's 64 MB disk.
        registry.Push(ContainerEngine.PlainImage, image);
        using var engine = new SmallDiskEngine();
        try
        {
            await using var lab = AppHostProcess.Start(LabArgs(image, dataDir, $"--Lab:Registry={registry.Address}"),
                new Dictionary<string, string> { ["DOCKER_HOST"] = engine.Host });
            await lab.WaitForLineAsync(LocalMode, TimeSpan.FromSeconds(90));
            Assert.Contains("The container engine has no room left for the image (about 400 MB): free some (docker system prune", lab.Output);
            Assert.Contains("no space left on device", lab.Output);
            Assert.Contains(WaysOut, lab.Output);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_kit_written_to_a_disk_too_full_says_so_and_leaves_no_partial_file()
    {
        Require();
        Assert.SkipWhen(Environment.UserName != "root", "Disk-full check skipped: mounting a small tmpfs needs root (CI runs as root).");
        var mount = Directory.CreateTempSubdirectory("mediai-test-full-").FullName;
        var image = Unique("full");
        Assert.True(ContainerEngine.Docker("tag", ContainerEngine.PlainImage, image).Ok);
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount));
        try
        {
            var kit = Path.Combine(mount, "kit.tar.gz");
            var (exit, output) = await AppHostProcess.RunToExitAsync([$"--Lab:Image={image}", $"--Lab:SaveImage={kit}"], Limit);
            Assert.Equal(1, exit);
            Assert.Contains($"Could not write {kit}", output);
            Assert.Contains("No space left on device", output);
            Assert.Contains("choose another place or free some space", output);
            Assert.Empty(Directory.GetFiles(mount));
        }
        finally
        {
            Run("umount", mount);
            Directory.Delete(mount, recursive: true);
            ContainerEngine.Docker("image", "rm", "--force", image);
        }
    }

    private static int Occurrences(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static int Run(string file, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(file, args);
        process.WaitForExit();
        return process.ExitCode;
    }
}
