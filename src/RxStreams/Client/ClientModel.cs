using System.Collections.Concurrent;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using RxStreams.Models;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>
/// The client side of a model stream: applies the server's merge patches to the JSON of the state it has, and turns
/// each version into a <typeparamref name="TState"/>; matches the answers to its edits by write id.
/// </summary>
internal sealed class ClientModel<TState, TEdit> : IClientModel<TState, TEdit>
{
    private readonly Func<IClientStream<ModelEdit<TEdit>, ClientModelMessage>> _open;
    private IClientStream<ModelEdit<TEdit>, ClientModelMessage>? _stream;
    private readonly IStreamSerializer<TState> _serializer;
    private readonly TimeSpan _defaultTimeout;
    private readonly IObservable<ModelSnapshot<TState>> _states;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<long>> _pending = new();
    private long _nextWrite;
    private ModelSnapshot<TState>? _current;

    public ClientModel(string route, Func<IClientStream<ModelEdit<TEdit>, ClientModelMessage>> open, TimeSpan defaultTimeout)
    {
        Route = route;
        _open = open;
        _serializer = StreamSerializer.Get<TState>();
        _defaultTimeout = defaultTimeout;
        // One pipeline per wire stream, shared: the JSON document lives as long as the stream's subscription.
        _states = Observable.Defer(() =>
        {
            // A wire stream ends when its last subscriber leaves; the next subscription opens a new one.
            var stream = _open();
            Volatile.Write(ref _stream, stream);
            var reader = new Reader(this);
            return stream.SelectMany(reader.Read).Finally(() => FailPending(new StreamException(StreamErrorCodes.Cancelled, $"The model stream '{Route}' ended before the edit was answered.")));
        }).Replay(1).RefCount();
    }

    public string Route { get; }

    public ModelSnapshot<TState>? Current => _current;

    public IDisposable Subscribe(IObserver<ModelSnapshot<TState>> observer) => _states.Subscribe(observer);

    public async Task<long> EditAsync(TEdit edit, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextWrite);
        var answer = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var keepOpen = new SingleAssignmentDisposable();
        try
        {
            // The stream must be open for the edit to go out and the answer to come back.
            keepOpen.Disposable = _states.Subscribe(static _ => { }, e => answer.TrySetException(e));
            if (answer.Task.IsCompleted)
            {
                return await answer.Task.ConfigureAwait(false);
            }
            Volatile.Read(ref _stream)!.OnNext(new ModelEdit<TEdit>(id, edit));
            var wait = timeout ?? _defaultTimeout;
            return await answer.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The edit to '{Route}' got no answer within {(timeout ?? _defaultTimeout).TotalSeconds:0.#} s.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
            keepOpen.Dispose();
        }
    }

    private void FailPending(Exception error)
    {
        foreach (var (_, pending) in _pending)
        {
            pending.TrySetException(error);
        }
    }

    /// <summary>The state of one subscription of the wire stream: the JSON document and its version.</summary>
    private sealed class Reader(ClientModel<TState, TEdit> model)
    {
        private JsonNode? _document;
        private long _version = -1;

        public IEnumerable<ModelSnapshot<TState>> Read(ClientModelMessage message)
        {
            using var json = JsonDocument.Parse(message.Json);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StreamException(StreamErrorCodes.ProtocolError, $"The model stream '{model.Route}' sent an item that is not an object.");
            }
            if (root.TryGetProperty("w"u8, out var write))
            {
                Answer(write.GetInt64(), root);
                return [];
            }
            if (!root.TryGetProperty("v"u8, out var versionElement))
            {
                throw new StreamException(StreamErrorCodes.ProtocolError, $"The model stream '{model.Route}' sent an item with no version.");
            }
            var version = versionElement.GetInt64();
            if (root.TryGetProperty("s"u8, out var state))
            {
                _document = JsonNode.Parse(state.GetRawText());
            }
            else if (root.TryGetProperty("p"u8, out var patch))
            {
                if (version != _version + 1 || _version < 0)
                {
                    // The server never sends this (it sends a fresh snapshot instead): applying it would make a wrong state.
                    throw new StreamException(StreamErrorCodes.ProtocolError,
                        $"The model stream '{model.Route}' sent the change to version {version} to a client at version {_version}.");
                }
                _document = JsonMergePatch.Apply(_document, JsonNode.Parse(patch.GetRawText()));
            }
            else
            {
                throw new StreamException(StreamErrorCodes.ProtocolError, $"The model stream '{model.Route}' sent an item with neither a state nor a patch.");
            }
            _version = version;
            var snapshot = new ModelSnapshot<TState>(StreamSerializer.Deserialize(model._serializer, JsonMergePatch.ToBytes(_document)), version);
            model._current = snapshot;
            return [snapshot];
        }

        private void Answer(long id, JsonElement root)
        {
            if (!model._pending.TryGetValue(id, out var pending))
            {
                return; // answered after its timeout, or a write of an earlier run
            }
            if (root.TryGetProperty("v"u8, out var version))
            {
                pending.TrySetResult(version.GetInt64());
                return;
            }
            var code = root.TryGetProperty("code"u8, out var c) ? c.GetString() ?? StreamErrorCodes.EditRefused : StreamErrorCodes.EditRefused;
            var message = root.TryGetProperty("error"u8, out var e) ? e.GetString() ?? "The edit was refused." : "The edit was refused.";
            pending.TrySetException(new StreamException(code, message));
        }
    }
}
