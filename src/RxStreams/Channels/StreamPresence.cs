using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxStreams.Diagnostics;

namespace RxStreams.Channels;

internal sealed class StreamPresence(StreamHub hub, string name) : IStreamPresence
{
    // Members this node holds in the set now (joined here and not left yet): the admin page's figure.
    private int _localMembers;

    public string Name => name;

    /// <summary>The members this node joined to the set and that have not left.</summary>
    public int LocalMembers => Volatile.Read(ref _localMembers);

    public ValueTask<IAsyncDisposable> JoinAsync(PresenceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        return JoinCountedAsync(member, cancellationToken);
    }

    private async ValueTask<IAsyncDisposable> JoinCountedAsync(PresenceMember member, CancellationToken cancellationToken)
    {
        var lease = await hub.Backplane.JoinPresenceAsync(name, member, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _localMembers);
        return new CountedLease(this, lease);
    }

    /// <summary>A member's lease that counts itself out of <see cref="LocalMembers"/> once, when it leaves.</summary>
    private sealed class CountedLease(StreamPresence presence, IAsyncDisposable lease) : IAsyncDisposable
    {
        private int _left;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                Interlocked.Decrement(ref presence._localMembers);
            }
            return lease.DisposeAsync();
        }
    }

    public ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(CancellationToken cancellationToken = default)
        => hub.Backplane.GetPresenceAsync(name, cancellationToken);

    public IObservable<PresenceEvent> Watch() => Observable.Create<PresenceEvent>(observer =>
    {
        // Changes first (buffered), then the snapshot, then the buffer and the rest: nothing falls between.
        var gate = new object();
        var buffer = new List<PresenceEvent>();
        var live = false;
        var cancellation = new CancellationTokenSource();
        var changes = hub.Backplane.SubscribePresence(name).Subscribe(
            e =>
            {
                lock (gate)
                {
                    if (!live)
                    {
                        buffer.Add(e);
                        return;
                    }
                }
                observer.OnNext(e);
            },
            observer.OnError,
            observer.OnCompleted);
        _ = SnapshotAsync();
        return new CompositeDisposable(changes, Disposable.Create(cancellation.Cancel));

        async Task SnapshotAsync()
        {
            try
            {
                var members = await hub.RetryAsync(name, (b, n, ct) => b.GetPresenceAsync(n, ct), cancellation.Token).ConfigureAwait(false);
                observer.OnNext(new PresenceEvent(PresenceEventKind.Snapshot, null, members));
                while (true)
                {
                    List<PresenceEvent> pending;
                    lock (gate)
                    {
                        if (buffer.Count == 0)
                        {
                            live = true;
                            return;
                        }
                        pending = [.. buffer];
                        buffer.Clear();
                    }
                    pending.ForEach(observer.OnNext);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                observer.OnError(e);
            }
        }
    });

    public IObservable<PresenceEvent> Join(PresenceMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return Observable.Create<PresenceEvent>(observer =>
        {
            var watch = Watch().Subscribe(observer);
            var cancellation = new CancellationTokenSource();
            var joined = JoinAsync(member, cancellation.Token).AsTask();
            joined.ContinueWith(static (t, o) => ((IObserver<PresenceEvent>)o!).OnError(t.Exception!.GetBaseException()),
                observer, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return Disposable.Create(() =>
            {
                watch.Dispose();
                cancellation.Cancel();
                _ = LeaveAsync(joined);
            });
        });
    }

    private async Task LeaveAsync(Task<IAsyncDisposable> joined)
    {
        try
        {
            var handle = await joined.ConfigureAwait(false);
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            RxStreamsLog.PresenceLeaveFailed(hub.Logger, name, e);
        }
    }
}
