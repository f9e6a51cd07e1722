using System.Reactive.Linq;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>A handler that is both IDisposable and IAsyncDisposable: disposed once, asynchronously, on every path.</summary>
public sealed partial class BothDisposables(Probe probe) : IDisposable, IAsyncDisposable
{
    [StreamRoute("both/watch")]
    public IObservable<int> Watch() => Observable.Never<int>();

    [StreamRoute("both/fail")]
    public IObservable<int> Fail() => throw new InvalidOperationException("handler failed synchronously");

    public void Dispose() => Interlocked.Increment(ref probe.Disposed);

    public ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref probe.DisposedAsync);
        return ValueTask.CompletedTask;
    }
}
