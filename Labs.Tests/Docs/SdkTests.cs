using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Docs;

/// <summary>
/// Students come with whatever .NET 10 SDK they installed: global.json names the first one
/// (10.0.100) and rolls forward to any later feature band, so 10.0.1xx to 10.0.4xx all build the
/// lab. A pin on the newest band turns every older one into "A compatible .NET SDK was not found".
/// </summary>
public sealed class SdkTests
{
    [Fact]
    public void Global_json_accepts_every_net_10_sdk()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Installations.RepositoryRoot, "global.json")));
        var sdk = json.RootElement.GetProperty("sdk");
        Assert.Equal("10.0.100", sdk.GetProperty("version").GetString());
        Assert.Equal("latestFeature", sdk.GetProperty("rollForward").GetString());
        Assert.False(sdk.TryGetProperty("allowPrerelease", out var pre) && pre.GetBoolean(), "a student's release SDK must be enough");
    }
}
