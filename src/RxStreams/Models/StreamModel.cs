using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using RxStreams.Backplanes;
using RxStreams.Channels;
using RxStreams.Serialization;

namespace RxStreams.Models;

/// <summary>
/// The <see cref="IStreamModel{TState}"/> of a <see cref="StreamHub"/>. The backplane holds the state (compare-and-set on
/// the version) beside a durable channel of its changes, named <c>rx.model:{name}</c>: the changes are that channel's
/// items, so they reach every node, are read once per node (the hub shares the channel's feed) and come back from an
/// offset as any channel's items do.
/// </summary>
internal sealed class StreamModel<TState> : IStreamModel<TState>
{
    /// <summary>The prefix of a model's change channel.</summary>
    public const string ChannelPrefix = "rx.model:";

    private readonly StreamHub _hub;
    private readonly IStreamSerializer<TState> _serializer;
    private readonly StreamModelOptions<TState> _options;
    private readonly TState _initialState;
    private readonly byte[] _initial;
    private readonly DurableChannel<ModelChange> _changes;

    public StreamModel(StreamHub hub, string name, IStreamSerializer<TState> serializer, StreamModelOptions<TState>? options)
    {
        options ??= new StreamModelOptions<TState>();
        options.Validate();
        _hub = hub;
        Name = name;
        ChannelName = ChannelPrefix + name;
        _serializer = serializer;
        _options = options;
        _initialState = options.Initial ?? StreamSerializer.Deserialize(serializer, "{}"u8);
        _initial = StreamSerializer.SerializeToArray(serializer, _initialState);
        _changes = new DurableChannel<ModelChange>(hub, ChannelName, ModelChange.Serializer.Instance, new StreamChannelOptions { MaxLength = options.HistoryLength });
    }

    public string Name { get; }

    /// <summary>The durable channel of the model's changes.</summary>
    public string ChannelName { get; }

    public async ValueTask<ModelSnapshot<TState>> GetAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _hub.Backplane.ReadModelAsync(ChannelName, cancellationToken).ConfigureAwait(false);
        return new ModelSnapshot<TState>(StateOf(stored), stored.Version);
    }

    private TState StateOf(BackplaneModelState stored)
        => stored.Version == 0 ? _initialState : StreamSerializer.Deserialize(_serializer, stored.State.Span);

    private ReadOnlySpan<byte> BytesOf(BackplaneModelState stored) => stored.Version == 0 ? _initial : stored.State.Span;

    public async ValueTask<ModelSnapshot<TState>> UpdateAsync(Func<TState, TState> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var current = await _hub.Backplane.ReadModelAsync(ChannelName, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var state = StateOf(current);
            var next = update(state);
            var bytes = StreamSerializer.SerializeToArray(_serializer, next);
            var patch = JsonMergePatch.Diff(BytesOf(current), bytes);
            if (patch is null)
            {
                return new ModelSnapshot<TState>(state, current.Version);
            }
            var change = ModelWire.Change(current.Version + 1, patch);
            var result = await _hub.Backplane.WriteModelAsync(ChannelName, current.Version, bytes, change, _options.HistoryLength, cancellationToken).ConfigureAwait(false);
            if (result.Written)
            {
                return new ModelSnapshot<TState>(next, result.Current.Version);
            }
            // Another writer won: try again on the state it wrote (the failed write returned it).
            current = result.Current;
            ModelsLog.UpdateConflict(_hub.Logger, Name, current.Version, attempt);
            if (attempt >= _options.MaxUpdateAttempts)
            {
                throw new StreamException(StreamErrorCodes.ModelConflict,
                    $"Model '{Name}': the update lost to other writers {attempt} times in a row (StreamModelOptions.MaxUpdateAttempts); nothing was written.");
            }
            if (attempt >= 8)
            {
                // A storm of writers on one model: spread the retries out a little.
                await Task.Delay(Random.Shared.Next(1, Math.Min(attempt, 50)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public IObservable<ModelSnapshot<TState>> Watch() => Observable.Defer(() =>
    {
        JsonNode? document = null;
        return Feed(resume: null).Select(e =>
        {
            var value = e.Payload.AsSpan()[e.Value];
            document = e.IsSnapshot ? JsonMergePatch.Parse(value) : JsonMergePatch.Apply(document, JsonMergePatch.Parse(value));
            return new ModelSnapshot<TState>(StreamSerializer.Deserialize(_serializer, JsonMergePatch.ToBytes(document)), e.Version);
        });
    });

    public ModelStream<TState> Stream(StreamContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ModelStream<TState>(Feed(context.ResumeOffset).Select(static e => new ModelStreamItem(e.Payload, e.Offset)));
    }

    public ModelStream<TState> Serve<TEdit>(StreamContext context, IObservable<ModelEdit<TEdit>> edits, Func<TState, TEdit, TState> apply)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(apply);
        return new ModelStream<TState>(Feed(context.ResumeOffset).Select(static e => new ModelStreamItem(e.Payload, e.Offset)).Merge(Answers(edits, apply)));
    }

    /// <summary>
    /// The answers to one client's edits. Edits are applied one at a time, in the order the pipeline gives them, on the
    /// thread pool (a slow <c>apply</c> does not hold up the connection that delivered the edit). At most
    /// <see cref="MaxWaitingEdits"/> are pending, the one being applied included; one more is refused with
    /// <c>rate_limited</c> at once, so what a client sends faster than the backplane takes it is bounded (the
    /// connection's rate limit counts frames, not how long their work takes).
    /// </summary>
    private IObservable<ModelStreamItem> Answers<TEdit>(IObservable<ModelEdit<TEdit>> edits, Func<TState, TEdit, TState> apply)
        => Observable.Create<ModelStreamItem>(observer =>
        {
            var waiting = 0;
            var safe = System.Reactive.Observer.Synchronize(observer);
            var admitted = new Subject<ModelEdit<TEdit>>();
            var applied = admitted
                .Select(edit => Observable.FromAsync(ct => Task.Run(() => ApplyAsync(edit, apply, ct), ct)).Finally(() => Interlocked.Decrement(ref waiting)))
                .Concat()
                .Subscribe(safe);
            var received = edits.Subscribe(
                edit =>
                {
                    if (Interlocked.Increment(ref waiting) <= MaxWaitingEdits)
                    {
                        admitted.OnNext(edit);
                        return;
                    }
                    Interlocked.Decrement(ref waiting);
                    safe.OnNext(new ModelStreamItem(ModelWire.Refused(edit.Id, StreamErrorCodes.RateLimited,
                        $"More than {MaxWaitingEdits} edits are waiting to be applied; send the next one after an answer."), null));
                },
                admitted.OnError,
                admitted.OnCompleted);
            return new CompositeDisposable(received, applied, admitted);
        });

    /// <summary>How many of one client's edits may be pending on its model stream (the one being applied included).</summary>
    internal const int MaxWaitingEdits = 64;

    private async Task<ModelStreamItem> ApplyAsync<TEdit>(ModelEdit<TEdit> edit, Func<TState, TEdit, TState> apply, CancellationToken cancellationToken)
    {
        if (edit.Refusal is { } refusal)
        {
            return new ModelStreamItem(ModelWire.Refused(edit.Id, StreamErrorCodes.EditRefused, refusal), null);
        }
        try
        {
            var written = await UpdateAsync(state => apply(state, edit.Value), cancellationToken).ConfigureAwait(false);
            return new ModelStreamItem(ModelWire.Accepted(edit.Id, written.Version), null);
        }
        catch (StreamException e)
        {
            // A refusal, a lost compare-and-set storm, an unreachable backplane: the code and message say which.
            return new ModelStreamItem(ModelWire.Refused(edit.Id, e.Code, e.Message), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ModelsLog.EditFailed(_hub.Logger, Name, e);
            return new ModelStreamItem(ModelWire.Refused(edit.Id, StreamErrorCodes.HandlerError, "The edit could not be applied."), null);
        }
    }

    /// <summary>
    /// The model's snapshot, then its changes, in version order with no gap: from <paramref name="resume"/> when the
    /// history still holds the change at that offset (the subscriber has its version), else from a fresh snapshot.
    /// Whenever a gap shows (the history was trimmed past the reader, the model began a new life), a fresh snapshot
    /// follows and the changes go on from it: a reader never applies a change to a state it does not follow.
    /// </summary>
    internal IObservable<ModelEvent> Feed(StreamOffset? resume) => Observable.Create<ModelEvent>(async (observer, cancellationToken) =>
    {
        long version;
        StreamOffset from;
        if (resume is { IsStart: false } offset && await VersionAtAsync(offset, cancellationToken).ConfigureAwait(false) is { } resumed)
        {
            (version, from) = (resumed, offset);
        }
        else
        {
            (version, from) = await SnapshotAsync(observer, cancellationToken).ConfigureAwait(false);
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            var changes = System.Threading.Channels.Channel.CreateUnbounded<StreamItem<ModelChange>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var gap = false;
            using (_changes.From(from).Subscribe(
                item => changes.Writer.TryWrite(item),
                error => changes.Writer.TryComplete(error),
                () => changes.Writer.TryComplete()))
            {
                try
                {
                    await foreach (var item in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var change = item.Value;
                        if (change.Version <= version || (version == 0 && change.Version != 1))
                        {
                            // Already in the snapshot; or, before the first version, a change of an earlier life.
                            continue;
                        }
                        if (change.Version != version + 1)
                        {
                            gap = true;
                            break;
                        }
                        version = change.Version;
                        from = item.Offset;
                        observer.OnNext(new ModelEvent(change.Version, false, change.Encoded, change.Patch, item.Offset));
                    }
                }
                catch (StreamNotRecoveredException)
                {
                    gap = true;
                }
            }
            if (!gap)
            {
                // The change channel never completes; it ends only with the subscription.
                return;
            }
            ModelsLog.Resnapshot(_hub.Logger, Name, version);
            (version, from) = await SnapshotAsync(observer, cancellationToken).ConfigureAwait(false);
        }
    });

    private async Task<(long Version, StreamOffset From)> SnapshotAsync(IObserver<ModelEvent> observer, CancellationToken cancellationToken)
    {
        var stored = await _hub.RetryAsync(ChannelName, static (backplane, channel, ct) => backplane.ReadModelAsync(channel, ct), cancellationToken).ConfigureAwait(false);
        var payload = ModelWire.Snapshot(stored.Version, BytesOf(stored));
        var (_, _, value) = ModelWire.Read(payload);
        // Version 0 has no change to resume from: the client comes back with no offset and gets a snapshot again.
        observer.OnNext(new ModelEvent(stored.Version, true, payload, value, stored.Version == 0 ? null : stored.Offset));
        return (stored.Version, stored.Offset);
    }

    /// <summary>The version made by the change at <paramref name="offset"/>, or null when the history no longer holds it.</summary>
    private async Task<long?> VersionAtAsync(StreamOffset offset, CancellationToken cancellationToken)
    {
        var before = offset.Minor > 0 ? new StreamOffset(offset.Major, offset.Minor - 1)
            : offset.Major > 0 ? new StreamOffset(offset.Major - 1, ulong.MaxValue)
            : StreamOffset.Start;
        var page = await _hub.RetryAsync(ChannelName, (backplane, channel, ct) => backplane.ReadAsync(channel, before, 1, ct), cancellationToken).ConfigureAwait(false);
        if (page.Entries.Count == 0 || page.Entries[0].Offset != offset)
        {
            return null;
        }
        try
        {
            var (version, snapshot, _) = ModelWire.Read(page.Entries[0].Payload.Span);
            return snapshot ? null : version;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>One item of a model's feed: a snapshot or a change, as it goes on the wire.</summary>
/// <param name="Version">The version it gives the reader.</param>
/// <param name="IsSnapshot">True for a snapshot (<paramref name="Value"/> is the state), false for a change (a merge patch).</param>
/// <param name="Payload">The wire item (<see cref="ModelWire"/>).</param>
/// <param name="Value">Where the state or patch is in <paramref name="Payload"/>.</param>
/// <param name="Offset">The change's offset (resume from it), or null for the initial state.</param>
internal readonly record struct ModelEvent(long Version, bool IsSnapshot, byte[] Payload, Range Value, StreamOffset? Offset);
