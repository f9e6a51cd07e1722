using System.Diagnostics.Metrics;
using Microsoft.Playwright;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.EndToEnd.Tests.SharedServices;

/// <summary>
/// Peer-to-peer client-hosted servers (<c>rx.listen</c>/<c>rx.connect</c> with <c>peerToPeer</c>, /rx/peer.js) between
/// two browser contexts of the shared chromium, on the SharedServices example's server (in this process, so the test
/// reads the server's <c>rxstreams.servers.relayed</c> counter itself). Each end sends a numbered sequence without
/// pause while the call switches to the data channel or falls back, and must receive exactly 1..n from the other.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PeerToPeerTests(EndToEndFixture run, SharedServicesFixture fixture, ITestOutputHelper output) : IClassFixture<SharedServicesFixture>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(40);

    // One end, in a page: a client of its own, hosting (listen) or calling (connect) `name`; what it receives from the
    // other end (numbers, and anything else apart), the transport changes, the RTCPeerConnections the page made
    // (so the test can close them, as a failing network would), and a pump that sends 1, 2, 3… until told to stop.
    // The page's WebSocket sends late by `relayDelay` ms (in order), as over a slow or distant server: the data
    // channel then overtakes the relay, so an end that read the channel before the relay's switch would misorder.
    private const string End = """
        async ({ name, role, peerToPeer, relayDelay }) => {
          const send = WebSocket.prototype.send;
          WebSocket.prototype.send = function (data) { setTimeout(() => send.call(this, data), relayDelay); };
          const pcs = [];
          const Original = globalThis.RTCPeerConnection;
          globalThis.RTCPeerConnection = class extends Original {
            constructor(configuration) { super(configuration); pcs.push(this); }
          };
          const { connect } = await import("/rx/client.js");
          const rx = connect("/rx");
          const t = (window.t = { rx, pcs, got: [], other: [], changes: [], sent: 0, stopAt: 0, conn: null });
          const record = (v) => (typeof v?.n === "number" ? t.got.push(v.n) : t.other.push(v));
          const options = peerToPeer === null ? undefined : { peerToPeer };
          const watch = (c) => { t.conn = c; c.onTransport?.((x) => t.changes.push(x)); c.subscribe(record); };
          if (role === "host") await rx.listen(name, watch, options);
          else watch(rx.connect(name, options));
          const tick = () => {
            if (t.sent >= t.stopAt) return;
            t.conn.next({ n: ++t.sent });
            setTimeout(tick, 1);
          };
          t.pump = (count) => { const idle = t.sent >= t.stopAt; t.stopAt = t.sent + count; if (idle) tick(); };
          t.done = () => t.sent >= t.stopAt;
          t.transport = () => t.conn?.transport ?? "none";
          t.exact = () => t.got.every((n, i) => n === i + 1);
        }
        """;

    private readonly MeterListener _meter = new();
    private long _relayed;

    private readonly List<string> _pageErrors = [];

    /// <summary>Items the server relayed between hosted servers and their callers so far (its own counter).</summary>
    private long Relayed => Interlocked.Read(ref _relayed);

    private void StartCounting()
    {
        _meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "RxStreams" && instrument.Name == "rxstreams.servers.relayed")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _relayed, value));
        _meter.Start();
    }

    public void Dispose() => _meter.Dispose();

    private void Log(string line)
    {
        output.WriteLine(line);
        if (line.Contains(" page error: ", StringComparison.Ordinal) || line.Contains(" console.error: ", StringComparison.Ordinal))
        {
            lock (_pageErrors)
            {
                _pageErrors.Add(line);
            }
        }
    }

    [Fact]
    public async Task The_call_moves_to_the_data_channel_while_items_flow_both_ways_and_the_relay_then_carries_nothing()
    {
        StartCounting();
        var (host, caller) = await PairAsync("p2p-switch", true, true);

        // Both ends send without pause while the call switches.
        await PumpAsync(host, 1_000_000);
        await PumpAsync(caller, 1_000_000);
        await UntilAsync(host, caller, "t.transport() === 'peer'", "both ends on the data channel");
        await PumpAsync(host, 200);
        await PumpAsync(caller, 200);
        await ExpectExactAsync(host, caller);
        Assert.Equal("""["peer"]""", await Json(host, "t.changes"));
        Assert.Equal("""["peer"]""", await Json(caller, "t.changes"));
        Assert.Equal("[]", await Json(host, "t.other")); // none of the link's own messages reached the application
        Assert.Equal("[]", await Json(caller, "t.other"));

        // On the data channel, the server relays nothing more, however much goes through.
        var relayed = Relayed;
        Assert.True(relayed > 0, "the call started on the relay");
        await PumpAsync(host, 300);
        await PumpAsync(caller, 300);
        await ExpectExactAsync(host, caller);
        Assert.Equal(relayed, Relayed);
        output.WriteLine($"relayed before the switch: {relayed}; sent in all: host {await host.EvaluateAsync<int>("t.sent")}, caller {await caller.EvaluateAsync<int>("t.sent")}");
        await CloseAsync(host, caller);
    }

    [Fact]
    public async Task A_data_channel_that_dies_mid_stream_falls_back_to_the_relay_losing_nothing_and_doubling_nothing()
    {
        StartCounting();
        var (host, caller) = await PairAsync("p2p-fallback", true, true);
        await PumpAsync(host, 1_000_000);
        await PumpAsync(caller, 1_000_000);
        await UntilAsync(host, caller, "t.transport() === 'peer'", "both ends on the data channel");
        await UntilAsync(host, caller, "t.got.length > 100", "items over the channel");
        var relayed = Relayed;

        // The host's page closes its RTCPeerConnection while both ends keep sending.
        await host.EvaluateAsync("t.pcs.forEach((pc) => pc.close())");
        await UntilAsync(host, caller, "t.transport() === 'relay'", "both ends back on the relay");
        await PumpAsync(host, 200);
        await PumpAsync(caller, 200);
        await ExpectExactAsync(host, caller);
        Assert.Equal("""["peer","relay"]""", await Json(host, "t.changes"));
        Assert.Equal("""["peer","relay"]""", await Json(caller, "t.changes"));
        Assert.True(Relayed >= relayed + 400, "the relay carries the call again");
        await CloseAsync(host, caller);
    }

    [Fact]
    public async Task Without_both_ends_allowing_it_or_with_ICE_blocked_the_call_stays_on_the_relay_whole()
    {
        // A host that did not ask for peerToPeer: its application sees the caller's hello, and nothing moves.
        var (host, caller) = await PairAsync("p2p-plain-host", null, true);
        await PumpAsync(host, 150);
        await PumpAsync(caller, 150);
        await ExpectExactAsync(host, caller);
        Assert.Equal("relay", await caller.EvaluateAsync<string>("t.transport()"));
        Assert.Equal("[]", await Json(caller, "t.changes"));
        Assert.Equal("""[{"$rxPeer":"hello"}]""", await Json(host, "t.other"));
        Assert.Equal(0, await host.EvaluateAsync<int>("t.pcs.length"));
        await CloseAsync(host, caller);

        // A caller that did not ask: the host stays on the relay, and no message of the link reaches either end.
        (host, caller) = await PairAsync("p2p-plain-caller", true, null);
        await PumpAsync(host, 150);
        await PumpAsync(caller, 150);
        await ExpectExactAsync(host, caller);
        Assert.Equal("relay", await host.EvaluateAsync<string>("t.transport()"));
        Assert.Equal("[]", await Json(host, "t.other"));
        Assert.Equal("[]", await Json(caller, "t.other"));
        Assert.Equal(0, await host.EvaluateAsync<int>("t.pcs.length"));
        await CloseAsync(host, caller);

        // Both ask, but the caller may use TURN candidates only and has no TURN server: the channel never opens, the
        // caller gives up after its timeout, the host hears it and closes its side; the items flow on the relay all along.
        (host, caller) = await PairAsync("p2p-no-ice", true, new { iceTransportPolicy = "relay", timeout = 1500 });
        await PumpAsync(host, 1_000_000);
        await PumpAsync(caller, 1_000_000);
        await Wait.UntilAsync(async () => await host.EvaluateAsync<bool>("t.pcs.length === 1 && t.pcs[0].connectionState === 'closed'"),
            "the host's side closed after the caller gave up", s_timeout);
        await PumpAsync(host, 100);
        await PumpAsync(caller, 100);
        await ExpectExactAsync(host, caller);
        Assert.Equal("[]", await Json(host, "t.changes"));
        Assert.Equal("[]", await Json(caller, "t.changes"));
        Assert.Equal("relay", await caller.EvaluateAsync<string>("t.transport()"));
        await CloseAsync(host, caller);
    }

    [Fact]
    public async Task Host_and_caller_on_two_nodes_signal_across_Redis_and_the_call_moves_to_the_data_channel()
    {
        StartCounting();
        var redis = await run.RedisAsync();
        await using var one = await SharedServicesFixture.StartNodeAsync($"127.0.0.1:{redis.Port}");
        await using var two = await SharedServicesFixture.StartNodeAsync($"127.0.0.1:{redis.Port}");
        var (host, caller) = await PairAsync("p2p-two-nodes", true, true, one.Urls.Single(), two.Urls.Single());
        await PumpAsync(host, 1_000_000);
        await PumpAsync(caller, 1_000_000);
        await UntilAsync(host, caller, "t.transport() === 'peer'", "both ends on the data channel");
        await PumpAsync(host, 200);
        await PumpAsync(caller, 200);
        await ExpectExactAsync(host, caller);
        var relayed = Relayed;
        await PumpAsync(host, 200);
        await PumpAsync(caller, 200);
        await ExpectExactAsync(host, caller);
        Assert.Equal(relayed, Relayed);
        await CloseAsync(host, caller);
        await one.StopAsync();
        await two.StopAsync();
    }

    /// <summary>
    /// Two tabs: one hosts <paramref name="name"/>, the other connects to it (null: without peerToPeer), on this
    /// fixture's server or on the nodes at <paramref name="hostUrl"/> and <paramref name="callerUrl"/>.
    /// </summary>
    private async Task<(IPage Host, IPage Caller)> PairAsync(string name, object? peerToPeer, object? callerPeerToPeer, string? hostUrl = null, string? callerUrl = null)
    {
        var host = await fixture.OpenTabAsync(run.Browser, "HOST", Log, hostUrl);
        await host.EvaluateAsync(End, new { name, role = "host", peerToPeer, relayDelay = 40 });
        var caller = await fixture.OpenTabAsync(run.Browser, "CALLER", Log, callerUrl);
        await caller.EvaluateAsync(End, new { name, role = "caller", peerToPeer = callerPeerToPeer, relayDelay = 40 });
        await Wait.UntilAsync(async () => await host.EvaluateAsync<bool>("t.conn !== null"), "the caller's call at the host", s_timeout);
        return (host, caller);
    }

    private static Task PumpAsync(IPage page, int count) => page.EvaluateAsync("(count) => t.pump(count)", count);

    private static async Task UntilAsync(IPage host, IPage caller, string condition, string because)
        => await Wait.UntilAsync(async () => await host.EvaluateAsync<bool>(condition) && await caller.EvaluateAsync<bool>(condition), because, s_timeout);

    /// <summary>Once both pumps stopped and everything arrived: each end got exactly 1..n of the other's n, in order.</summary>
    private static async Task ExpectExactAsync(IPage host, IPage caller)
    {
        await UntilAsync(host, caller, "t.done()", "both ends sent their last item");
        var hostSent = await host.EvaluateAsync<int>("t.sent");
        var callerSent = await caller.EvaluateAsync<int>("t.sent");
        await Wait.UntilAsync(async () => await host.EvaluateAsync<int>("t.got.length") >= callerSent && await caller.EvaluateAsync<int>("t.got.length") >= hostSent,
            "everything delivered", s_timeout);
        // One more round trip through the server from each end: a late duplicate would have arrived by then.
        await host.EvaluateAsync("() => t.rx.invoke('$connect/nobody-here', null).catch(() => {})");
        await caller.EvaluateAsync("() => t.rx.invoke('$connect/nobody-here', null).catch(() => {})");
        Assert.True(await host.EvaluateAsync<bool>("t.exact()"), "the host got 1..n in order: " + await Summary(host));
        Assert.True(await caller.EvaluateAsync<bool>("t.exact()"), "the caller got 1..n in order: " + await Summary(caller));
        Assert.Equal(callerSent, await host.EvaluateAsync<int>("t.got.length"));
        Assert.Equal(hostSent, await caller.EvaluateAsync<int>("t.got.length"));
    }

    private static async Task<string> Summary(IPage page)
        => await page.EvaluateAsync<string>("JSON.stringify(t.got.filter((n, i) => n !== i + 1).slice(0, 20)) + ' of ' + t.got.length");

    private static Task<string> Json(IPage page, string expression) => page.EvaluateAsync<string>($"JSON.stringify({expression})");

    private async Task CloseAsync(IPage host, IPage caller)
    {
        await caller.Context.CloseAsync();
        await host.Context.CloseAsync();
        lock (_pageErrors)
        {
            Assert.Empty(_pageErrors);
        }
    }
}
