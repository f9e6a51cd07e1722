using System.Reactive.Linq;

namespace RxStreams.Fuzzing.Host;

// The routes the fuzzer drives, all under "fuzz/" so they never collide with another assembly's routes in a test
// process. Each is simple enough for the oracle (Oracle/ProtocolModel.cs) to predict exactly what it answers.

/// <summary>Subscription: counts 0 … n-1, then completes; synchronous, so items beyond the credits are held.</summary>
[StreamRoute("fuzz/count/{n:int}")]
public sealed partial class FuzzCountHandler
{
    public IObservable<FuzzTick> Count(int n) => Observable.Range(0, Math.Clamp(n, 0, 100_000)).Select(i => new FuzzTick(i));
}

/// <summary>Duplex: answers each input item with its text and the route's number; completes when the input does.</summary>
[StreamRoute("fuzz/echo/{n:int}")]
public sealed partial class FuzzEchoHandler
{
    public IObservable<FuzzEcho> Echo(int n, IObservable<FuzzSay> input) => input.Select(s => new FuzzEcho(s.Text, n));
}

/// <summary>Request/response: a + b.</summary>
[StreamRoute("fuzz/add")]
public sealed partial class FuzzAddHandler
{
    public Task<int> Add(FuzzAdd request) => Task.FromResult(request.A + request.B);
}

/// <summary>Fire-and-forget: completes once handled.</summary>
[StreamRoute("fuzz/fire")]
public sealed partial class FuzzFireHandler
{
    public Task Fire(FuzzSay message) => Task.CompletedTask;
}

/// <summary>Subscription that never sends anything: keeps a stream open (too many streams, ids in use).</summary>
[StreamRoute("fuzz/never")]
public sealed partial class FuzzNeverHandler
{
    public IObservable<FuzzTick> Never() => Observable.Never<FuzzTick>();
}

/// <summary>Subscription producing as fast as it may until cancelled: for slow and stopped readers.</summary>
[StreamRoute("fuzz/flood")]
public sealed partial class FuzzFloodHandler
{
    public IObservable<FuzzSay> Flood(StreamContext context)
        => Observable.Create<FuzzSay>(o => Task.Run(() =>
        {
            var text = new string('x', 500);
            while (!context.Aborted.IsCancellationRequested)
            {
                o.OnNext(new FuzzSay(text));
            }
        }));
}

/// <summary>Duplex that never subscribes its input: what the client writes waits, up to MaxUnreadInputMessages.</summary>
[StreamRoute("fuzz/unread")]
public sealed partial class FuzzUnreadHandler
{
    public IObservable<FuzzTick> Ignore(IObservable<FuzzSay> input) => Observable.Never<FuzzTick>();
}

/// <summary>A durable channel read from the client's offset (or the start): a busy feed a test publishes to.</summary>
[StreamRoute("fuzz/feed/{name}")]
public sealed partial class FuzzFeedHandler(IStreamHub hub)
{
    public IObservable<StreamItem<FuzzSay>> Read(string name, StreamContext context)
        => hub.Channel<FuzzSay>("fuzz-feed:" + name).From(context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>
/// A durable channel keeping its last 300 items, a little more than one history page (256): a replay waiting for credits
/// in its first page falls behind the trim before it reads the second.
/// </summary>
[StreamRoute("fuzz/trim/{name}")]
public sealed partial class FuzzTrimHandler(IStreamHub hub)
{
    public const int MaxLength = 300;

    public IObservable<StreamItem<FuzzTick>> Read(string name, StreamContext context)
        => hub.Channel<FuzzTick>("fuzz-trim:" + name, new StreamChannelOptions { MaxLength = MaxLength }).From(context.ResumeOffset ?? StreamOffset.Start);
}
