using System.Globalization;
using System.Net.WebSockets;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.ConnectionPolicy;

/// <summary>A host whose allow-list names one origin, written with capitals and a trailing slash.</summary>
public sealed class AllowListFixture : IAsyncLifetime
{
    public KestrelHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await KestrelHost.StartAsync(o => o.AllowedOrigins.Add("https://App.Example/"));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// <see cref="RxStreamsOptions.AllowedOrigins"/> set: exactly the listed origins may connect (compared without case
/// and without a trailing slash), and the list replaces the same-origin rule; <c>*</c> lets any origin in.
/// </summary>
public sealed class AllowListOriginTests(AllowListFixture fixture) : IClassFixture<AllowListFixture>
{
    private KestrelHost Host => fixture.Host;

    [Theory]
    [InlineData("https://app.example")]
    [InlineData("https://app.example/")]
    [InlineData("HTTPS://APP.EXAMPLE")]
    public async Task A_listed_origin_connects_whatever_its_case_and_trailing_slash(string origin)
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, origin: origin);
        await client.AssertAliveAsync(1);
    }

    [Theory]
    [InlineData("http://app.example")]
    [InlineData("https://app.example.evil")]
    [InlineData("https://app.example:8443")]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1:{port}")]
    public async Task Any_other_origin_is_refused_even_the_endpoints_own(string origin)
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawClient.ConnectAsync(
            Host.Endpoint, origin: origin.Replace("{port}", Host.BaseAddress.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        Assert.Contains("403", refused.Message);
    }

    [Fact]
    public async Task A_star_in_the_list_lets_any_origin_in()
    {
        await using var host = await KestrelHost.StartAsync(o =>
        {
            o.AllowedOrigins.Add("https://app.example");
            o.AllowedOrigins.Add("*");
        });
        await using var client = await RawClient.ConnectAsync(host.Endpoint, origin: "https://anywhere.example");
        await client.AssertAliveAsync(1);
    }
}
