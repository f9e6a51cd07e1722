using System.Net.WebSockets;
using RxStreams.Fuzzing.Client;
using RxStreams.Fuzzing.Host;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Scenarios;

/// <summary>What a hostile scenario gets: the hosts, its sequence number (for unique names), a seeded random, helpers, and a list for the problems it finds.</summary>
public sealed class ScenarioContext(FuzzSettings settings, FuzzHost host, long index, int occurrence, Random random)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public FuzzSettings Settings => settings;

    public FuzzHost Host => host;

    public long Index => index;

    public Random Random => random;

    /// <summary>
    /// A name for what the scenario creates on the server that lasts (durable channels): two per scenario, used in
    /// turn, so the history a run leaves behind stays bounded however long it runs.
    /// </summary>
    public string Slot(string prefix) => $"{prefix}{occurrence % 2}";

    // Scenarios with many connections at once (the abandoned handshakes) record from several threads.
    private readonly Lock _gate = new();
    private readonly List<string> _problems = [];
    private readonly List<string> _log = [];
    private int _connections;

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Everything received so far, for the report.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public void Problem(string problem)
    {
        lock (_gate)
        {
            _problems.Add(problem);
        }
    }

    /// <summary>Records something received, for the report.</summary>
    public void Received(string what)
    {
        lock (_gate)
        {
            _log.Add(what);
        }
    }

    /// <summary>The connections the scenario opened.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public Task<FuzzSocket> ConnectAsync(bool rateHost = false, bool startReading = true)
    {
        Interlocked.Increment(ref _connections);
        return FuzzSocket.ConnectAsync((rateHost ? host.Rate : host.Main).Endpoint, settings.MaxFrameSize, startReading);
    }

    /// <summary>Connects and does the handshake; null (and a problem) when WELCOME does not come.</summary>
    public async Task<FuzzSocket?> ConnectWithHelloAsync(bool rateHost = false, string sessionId = "")
    {
        var socket = await ConnectAsync(rateHost).ConfigureAwait(false);
        await socket.SendAsync(Render(Parts.Hello(1, sessionId))).ConfigureAwait(false);
        var welcome = await NextAsync(socket, "WELCOME").ConfigureAwait(false);
        if (welcome is not { Kind: IncomingKind.Frame, Type: FrameType.Welcome })
        {
            Problem($"no WELCOME for a valid HELLO: got {welcome?.ToString() ?? "nothing"}");
            await socket.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        LastWelcome = welcome;
        return socket;
    }

    public Incoming? LastWelcome { get; private set; }

    public static RenderedMessage Render(params FuzzPart[] parts) => new FuzzMessage(MessageKind.Binary, parts).Render(0);

    public Task SendAsync(FuzzSocket socket, params FuzzPart[] parts) => socket.SendAsync(Render(parts));

    /// <summary>The next thing received other than the server's keepalive PING; null after the timeout.</summary>
    public async Task<Incoming?> NextAsync(FuzzSocket socket, string waitingFor, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var incoming = left > TimeSpan.Zero ? await socket.ReceiveAsync(left).ConfigureAwait(false) : null;
            if (incoming is null)
            {
                Received($"(nothing: waiting for {waitingFor})");
                return null;
            }
            if (incoming is { Kind: IncomingKind.Frame, Type: FrameType.Ping })
            {
                continue;
            }
            Received(incoming.ToString());
            if (incoming.Kind == IncomingKind.Violation)
            {
                Problem("the server broke the protocol: " + incoming.Violation);
                continue;
            }
            return incoming;
        }
    }

    /// <summary>Receives until <paramref name="match"/> (returned) or the end of the connection/the timeout (null); everything before it goes to <paramref name="before"/>.</summary>
    public async Task<Incoming?> UntilAsync(FuzzSocket socket, Func<Incoming, bool> match, string waitingFor, List<Incoming>? before = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await NextAsync(socket, waitingFor, left).ConfigureAwait(false) is not { } incoming)
            {
                return null;
            }
            if (match(incoming))
            {
                return incoming;
            }
            before?.Add(incoming);
            if (incoming.Kind is IncomingKind.Closed or IncomingKind.Aborted)
            {
                return null;
            }
        }
    }

    /// <summary>Checks the connection still answers: PING, then PONG before anything that would end it.</summary>
    public async Task<bool> AliveAsync(FuzzSocket socket, string what, List<Incoming>? before = null)
    {
        try
        {
            await SendAsync(socket, Parts.Ping()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Problem($"{what}: the connection is gone ({e.Message})");
            return false;
        }
        if (await UntilAsync(socket, i => i is { Kind: IncomingKind.Frame, Type: FrameType.Pong }, "PONG", before).ConfigureAwait(false) is null)
        {
            Problem($"{what}: no PONG, the connection did not stay up");
            return false;
        }
        return true;
    }

    /// <summary>Expects the server to end the connection with ERROR(0, code) and a close status; frames before it go to <paramref name="before"/>.</summary>
    public async Task ExpectConnectionErrorAsync(FuzzSocket socket, string code, WebSocketCloseStatus status, string what, List<Incoming>? before = null, bool abortAllowed = false)
    {
        var error = await UntilAsync(socket, i => i is { Kind: IncomingKind.Frame, Type: FrameType.Error, StreamId: 0 } or { Kind: IncomingKind.Closed or IncomingKind.Aborted }, $"ERROR(0, {code})", before).ConfigureAwait(false);
        if (error is { Kind: IncomingKind.Aborted } && abortAllowed)
        {
            return;
        }
        if (error is not { Kind: IncomingKind.Frame } || error.Code != code)
        {
            Problem($"{what}: expected ERROR(0, {code}) and close {(int)status}, got {error?.ToString() ?? "nothing"}");
            return;
        }
        var close = await UntilAsync(socket, i => i.Kind is IncomingKind.Closed or IncomingKind.Aborted, "the close").ConfigureAwait(false);
        if (close is { Kind: IncomingKind.Aborted } && abortAllowed)
        {
            return;
        }
        if (close?.CloseStatus != status)
        {
            Problem($"{what}: after ERROR(0, {code}) expected close {(int)status}, got {close?.ToString() ?? "nothing"}");
        }
    }
}
