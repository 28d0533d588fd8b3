namespace MediAI.Labs.Tests.Containers;

/// <summary>
/// The plain node image plus a layer of random bytes no other image shares: pulling it moves real
/// bytes (a pull of layers the engine already has finishes at once). Removed on dispose.
/// </summary>
public sealed class TestImage : IDisposable
{
    public string Name { get; } = $"mediai-test/layer:{Guid.NewGuid():N}";

    private TestImage(int megabytes)
    {
        var context = Directory.CreateTempSubdirectory("mediai-test-image-");
        try
        {
            using (var blob = File.Create(Path.Combine(context.FullName, "blob")))
            {
                var chunk = new byte[1_000_000];
                for (var i = 0; i < megabytes; i++)
                {
                    Random.Shared.NextBytes(chunk);
                    blob.Write(chunk);
                }
            }

            File.WriteAllText(Path.Combine(context.FullName, "Dockerfile"), $"FROM {ContainerEngine.PlainImage}\nCOPY blob /blob\n");
            var build = DockerCli.Run(TimeSpan.FromMinutes(3), "build", "-q", "-t", Name, context.FullName);
            Assert.True(build.Ok, build.Error);
        }
        finally
        {
            context.Delete(recursive: true);
        }
    }

    public static TestImage WithOwnLayer(int megabytes) => new(megabytes);

    public void Dispose() => ContainerEngine.Docker("image", "rm", "--force", Name);
}
