using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>Garbage on one link closes that link; the gateway keeps serving all the others.</summary>
public sealed class BadInputTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    public static TheoryData<string, byte[]> Garbage() => new()
    {
        { "absurd startup length", Be(int.MaxValue).Concat(Be(196608)).ToArray() },
        { "unknown startup code", Be(16).Concat(Be(12345)).Concat(new byte[8]).ToArray() },
        { "random bytes", Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11)).ToArray() },
        { "HTTP instead of PostgreSQL", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() },
    };

    private static byte[] Be(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_bad_link_is_closed_and_others_keep_working(string what, byte[] bytes)
    {
        await using var agent = await fixture.AgentAsync();
        await using var healthy = await agent.OpenAsync();

        using var bad = new TcpClient();
        await bad.ConnectAsync(agent.Gateway);
        var stream = bad.GetStream();
        await stream.WriteAsync(bytes);
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            read = 0; // reset: closed as well
        }

        Assert.True(read == 0, $"{what}: the gateway should have closed the link, it answered {read} bytes");
        await using var command = new NpgsqlCommand("SELECT 42", healthy);
        Assert.Equal(42, await command.ExecuteScalarAsync());
        await using var fresh = await agent.OpenAsync();
        Assert.Equal(System.Data.ConnectionState.Open, fresh.State);
    }

    [Fact]
    public async Task A_message_with_an_absurd_length_after_startup_closes_only_that_link()
    {
        await using var agent = await fixture.AgentAsync();
        await using var healthy = await agent.OpenAsync();
        using var raw = new TcpClient();
        await raw.ConnectAsync(agent.Gateway);
        var stream = raw.GetStream();
        // A valid startup message, then a Query claiming 2 GB.
        var startup = System.Text.Encoding.ASCII.GetBytes("user\0postgres\0database\0postgres\0\0");
        await stream.WriteAsync(Be(8 + startup.Length).Concat(Be(196608)).Concat(startup).ToArray());
        await stream.WriteAsync(new byte[] { (byte)'Q' }.Concat(Be(int.MaxValue)).ToArray());
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // the node's authentication request may arrive first; the link must then close
            }
        }
        catch (IOException)
        {
        }

        await using var command = new NpgsqlCommand("SELECT 7", healthy);
        Assert.Equal(7, await command.ExecuteScalarAsync());
    }

    public static TheoryData<string, string> BadFaults() => new()
    {
        { """{"type": "earthquake"}""", "type" },
        { """{"type": "latency", "attributes": {"latency": -5}}""", "attributes.latency" },
        { """{"type": "latency", "stream": "sideways"}""", "stream" },
        { """{"type": "bandwidth"}""", "attributes.rate" },
        { """{"type": "latency", "name": "no spaces allowed"}""", "name" },
    };

    [Theory]
    [MemberData(nameof(BadFaults))]
    public async Task A_bad_fault_request_is_a_400_naming_the_field(string body, string field)
    {
        await using var agent = await fixture.AgentAsync();
        using var response = await agent.Http.PostAsync("/toxics", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Empty(await agent.Http.GetFromJsonAsync<JsonElement[]>("/toxics") ?? []);
    }

    [Fact]
    public async Task A_duplicate_name_is_a_409_and_an_unknown_one_a_404()
    {
        await using var agent = await fixture.AgentAsync();
        (await agent.Http.PostAsJsonAsync("/toxics", new { name = "lag", type = "latency" })).EnsureSuccessStatusCode();
        using var duplicate = await agent.Http.PostAsJsonAsync("/toxics", new { name = "lag", type = "latency" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, duplicate.StatusCode);
        using var missing = await agent.Http.DeleteAsync("/toxics/nope");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}
