using System.Reactive.Linq;
using Microsoft.AspNetCore.Authorization;

namespace RxStreams.AspNetCore.Tests;

public sealed record Say(string Text);

public sealed record Said(string From, string Text, int Stream);

public sealed record AddRequest(int A, int B);

public sealed record Tick(int N);

/// <summary>Echo: each stream gets back only what it sent, tagged with the route value.</summary>
[StreamRoute("echo/{n:int}")]
public sealed partial class EchoHandler
{
    public IObservable<Said> Echo(int n, IObservable<Say> input, StreamContext context)
        => input.Select(s => new Said(context.UserName, s.Text, n));
}

/// <summary>A chat room on a durable channel, resumable.</summary>
[StreamRoute("room/{name}")]
public sealed partial class RoomHandler(IStreamHub hub)
{
    public IObservable<StreamItem<Say>> Join(string name, IObservable<Say> input, StreamContext context)
        => hub.Channel<Say>($"room:{name}").Connect(input, context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>Reads a durable channel the test publishes to, resuming after the client's last offset.</summary>
[StreamRoute("feed/{name}")]
public sealed partial class FeedHandler(IStreamHub hub)
{
    public IObservable<StreamItem<Tick>> Read(string name, StreamContext context)
        => hub.Channel<Tick>($"feed:{name}", new StreamChannelOptions { MaxLength = 100_000 }).From(context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>The live items of an ephemeral channel the test publishes to: the fan-out fast path's plainest shape.</summary>
[StreamRoute("live/{name}")]
public sealed partial class LiveHandler(IStreamHub hub)
{
    public IObservable<Tick> Read(string name) => hub.Ephemeral<Tick>($"live:{name}");
}

/// <summary>The live items of an ephemeral channel of <see cref="Say"/> the test publishes to.</summary>
[StreamRoute("say/{name}")]
public sealed partial class LiveSayHandler(IStreamHub hub)
{
    public IObservable<Say> Read(string name) => hub.Ephemeral<Say>($"live-say:{name}");
}

/// <summary>Counts to n, as fast as it is allowed to.</summary>
[StreamRoute("count/{n:int}")]
public sealed partial class CountHandler
{
    public IObservable<Tick> Count(int n) => Observable.Range(0, n).Select(i => new Tick(i));
}

/// <summary>Never ends, as fast as it can: for slow consumers.</summary>
[StreamRoute("flood")]
public sealed partial class FloodHandler
{
    public IObservable<Say> Flood(StreamContext context)
        => Observable.Create<Say>(o => Task.Run(() =>
        {
            var text = new string('x', 1000);
            while (!context.Aborted.IsCancellationRequested)
            {
                o.OnNext(new Say(text));
            }
        }));
}

[StreamRoute("math")]
public sealed partial class MathHandler
{
    [StreamRoute("add")]
    public Task<int> Add(AddRequest request) => Task.FromResult(request.A + request.B);

    [StreamRoute("divide")]
    public Task<int> Divide(AddRequest request) => request.B == 0 ? throw new StreamException("division_by_zero", "Cannot divide by zero.") : Task.FromResult(request.A / request.B);

    [StreamRoute("fail")]
    public Task<int> Fail(AddRequest request) => throw new InvalidOperationException("the handler broke");

    [StreamRoute("slow")]
    public async Task<int> Slow(AddRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
        return 0;
    }
}

[StreamRoute("notes")]
public sealed partial class NotesHandler(IStreamHub hub)
{
    public Task Post(Say note) => hub.Channel<Say>("notes").PublishAsync(note).AsTask();
}

[Authorize(Roles = "admin")]
[StreamRoute("admin")]
public sealed partial class AdminHandler
{
    public IObservable<Tick> Secrets() => Observable.Return(new Tick(42));
}

/// <summary>A duplex handler that never reads its input: what the client writes waits for it, up to the host's limit.</summary>
[StreamRoute("unread")]
public sealed partial class UnreadInputHandler
{
    public IObservable<Tick> Ignore(IObservable<Say> input) => Observable.Never<Tick>();
}

/// <summary>A durable channel that keeps only its last five items: resuming from an older offset is not recoverable.</summary>
[StreamRoute("short/{name}")]
public sealed partial class ShortHistoryHandler(IStreamHub hub)
{
    public IObservable<StreamItem<Tick>> Read(string name, StreamContext context)
        => hub.Channel<Tick>($"short:{name}", new StreamChannelOptions { MaxLength = 5 }).From(context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>A handler whose one item does not fit in a frame.</summary>
[StreamRoute("huge")]
public sealed partial class HugeItemHandler
{
    public IObservable<Say> Read() => Observable.Return(new Say(new string('x', 70_000)));
}

/// <summary>A request handler behind a policy the test decides when to answer (an asynchronous authorization).</summary>
[Authorize(Policy = PendingAuthorization.Policy)]
[StreamRoute("pending-auth")]
public sealed partial class PendingAuthorizationHandler
{
    public Task<int> Add(AddRequest request) => Task.FromResult(request.A + request.B);
}

/// <summary>Holds requests in flight until the test opens it (register one as a singleton to use the "gate" route).</summary>
public sealed class RequestGate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a request is waiting at the gate.</summary>
    public Task Entered => _entered.Task;

    public void Open() => _open.TrySetResult();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
    }
}

[StreamRoute("gate")]
public sealed partial class GateHandler(RequestGate gate)
{
    public async Task<int> Pass(AddRequest request, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return request.A + request.B;
    }
}
