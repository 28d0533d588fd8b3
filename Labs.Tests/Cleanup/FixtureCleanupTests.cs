using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Cleanup;

/// <summary>
/// A fixture that fails halfway through starting its servers leaves none behind: xunit does not
/// dispose a fixture whose InitializeAsync threw, so the fixture itself must clean up.
/// </summary>
public sealed class FixtureCleanupTests
{
    /// <summary>Three servers, the last of which cannot start (an invalid setting): a failing fixture.</summary>
    private sealed class FailingFixture(string token) : IAsyncLifetime
    {
        public string[] Names { get; } = [$"{token}-a", $"{token}-b", $"{token}-bad"];

        public async ValueTask InitializeAsync() => await TestPostgres.StartManyAsync(
            Installations.Plain, Names,
            name => name.EndsWith("-bad", StringComparison.Ordinal) ? new Dictionary<string, string> { ["shared_buffers"] = "not-a-size" } : null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_fixture_forced_to_fail_leaves_no_server_behind()
    {
        var token = $"cleanup{Guid.NewGuid():N}"[..20];
        var fixture = new FailingFixture(token);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.InitializeAsync().AsTask());
        Assert.Contains($"{token}-bad did not start", error.Message);

        // The two servers that did start were stopped, and every data folder is gone.
        Assert.Empty(ServerProcesses.WithArgument(token));
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetTempPath(), "mediai-test-*"),
            root => fixture.Names.Any(name => Directory.Exists(Path.Combine(root, name))));
    }
}
