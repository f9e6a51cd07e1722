using System.Globalization;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.ConnectionPolicy;

/// <summary>
/// The out-of-the-box Origin check: with <see cref="RxStreamsOptions.AllowedOrigins"/> empty, a browser may open a
/// WebSocket only from the endpoint's own origin; a request without an Origin header (not a browser) is let through.
/// </summary>
public sealed class DefaultOriginTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private KestrelHost Host => fixture.Host;

    [Fact]
    public void The_fixture_runs_with_the_default_options()
        => Assert.Empty(Host.Services.GetRequiredService<IOptions<RxStreamsOptions>>().Value.AllowedOrigins);

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://evil.example:{port}")]
    [InlineData("http://127.0.0.1:{other}")]
    [InlineData("http://localhost.evil.example:{port}")]
    [InlineData("null")]
    [InlineData("127.0.0.1:{port}")]
    public async Task A_foreign_or_opaque_origin_is_refused_with_403_before_the_upgrade(string origin)
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawClient.ConnectAsync(Host.Endpoint, origin: Expand(origin)));
        Assert.Contains("403", refused.Message);
        // The server itself is unharmed.
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.AssertAliveAsync(1);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}")]
    [InlineData("HTTP://127.0.0.1:{port}/")]
    public async Task The_endpoints_own_origin_is_accepted(string origin)
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, origin: Expand(origin));
        await client.AssertAliveAsync(1);
    }

    [Fact]
    public async Task A_client_without_an_Origin_header_is_accepted()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.AssertAliveAsync(1);
    }

    private string Expand(string origin)
    {
        var port = Host.BaseAddress.Port;
        return origin.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", (port == 65535 ? port - 1 : port + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
