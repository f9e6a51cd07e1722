using System.Reactive.Threading.Tasks;
using System.Collections.Concurrent;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.Backplanes;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

/// <summary>
/// The <see cref="IStreamHub"/> over a <see cref="StreamBackplane"/>. One per process (the host registers it as a
/// singleton). Channels are cached by name and type; each keeps one backplane subscription per node, shared by all
/// of the node's subscribers.
/// </summary>
public sealed class StreamHub : IStreamHub
{
    private const int MaxNameLength = 512;

    private readonly ConcurrentDictionary<(string Name, Type Type, bool Durable), object> _channels = new();
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _queues = new();
    private readonly ConcurrentDictionary<string, StreamPresence> _presence = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _models = new();

    /// <summary>Creates a hub.</summary>
    /// <param name="backplane">What carries the channels.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="logger">Where to log; null for none.</param>
    public StreamHub(StreamBackplane backplane, StreamHubOptions? options = null, ILogger<StreamHub>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        Backplane = backplane;
        Options = options ?? new StreamHubOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.HistoryPageSize, 1, nameof(StreamHubOptions.HistoryPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.CatchUpBufferLength, 1, nameof(StreamHubOptions.CatchUpBufferLength));
        Logger = logger ?? NullLogger<StreamHub>.Instance;
        Servers = new Servers.HostedServerRegistry(this);
    }

    /// <inheritdoc cref="IStreamHub.Servers" />
    internal Servers.HostedServerRegistry Servers { get; }

    Servers.IStreamServers IStreamHub.Servers => Servers;

    /// <summary>The backplane the hub uses.</summary>
    public StreamBackplane Backplane { get; }

    internal StreamHubOptions Options { get; }

    internal ILogger Logger { get; }

    /// <inheritdoc />
    public IStreamChannel<T> Channel<T>(string name, StreamChannelOptions? options = null)
    {
        ValidateName(name);
        return (IStreamChannel<T>)_channels.GetOrAdd((name, typeof(T), true), static (key, state) =>
            new DurableChannel<T>(state.Hub, key.Name, StreamSerializer.Get<T>(), state.Options), (Hub: this, Options: options));
    }

    /// <inheritdoc />
    public IEphemeralChannel<T> Ephemeral<T>(string name)
    {
        ValidateName(name);
        return (IEphemeralChannel<T>)_channels.GetOrAdd((name, typeof(T), false), static (key, hub) =>
            new EphemeralChannel<T>(hub, key.Name, StreamSerializer.Get<T>()), this);
    }

    /// <inheritdoc />
    public IStreamPresence Presence(string name)
    {
        ValidateName(name);
        return _presence.GetOrAdd(name, static (n, hub) => new StreamPresence(hub, n), this);
    }

    /// <inheritdoc />
    public IWorkQueue<T> Queue<T>(string name)
    {
        ValidateName(name);
        return (IWorkQueue<T>)_queues.GetOrAdd((name, typeof(T)), static (key, hub) =>
            new WorkQueue<T>(hub, key.Name, StreamSerializer.Get<T>()), this);
    }

    /// <summary>This node's channels, for the admin page (a moment's view, read without locks).</summary>
    internal IEnumerable<IChannelFigures> ChannelFigures => _channels.Values.OfType<IChannelFigures>();

    /// <summary>The presence sets this node used, for the admin page.</summary>
    internal IEnumerable<StreamPresence> PresenceSets => _presence.Values;

    /// <summary>This node's work queues, for the admin page.</summary>
    internal IEnumerable<IWorkQueueFigures> QueueFigures => _queues.Values.OfType<IWorkQueueFigures>();

    /// <inheritdoc />
    public Models.IStreamModel<TState> Model<TState>(string name, Models.StreamModelOptions<TState>? options = null)
    {
        ValidateName(name);
        return (Models.IStreamModel<TState>)_models.GetOrAdd((name, typeof(TState)), static (key, state) =>
            new Models.StreamModel<TState>(state.Hub, key.Name, StreamSerializer.Get<TState>(), state.Options), (Hub: this, Options: options));
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"A channel name has at most {MaxNameLength} characters; this one has {name.Length}.", nameof(name));
        }
    }

    /// <summary>Runs a backplane call, retrying with a growing delay while the backplane is unavailable.</summary>
    internal async ValueTask<TResult> RetryAsync<TResult>(string channel, Func<StreamBackplane, string, CancellationToken, ValueTask<TResult>> call, CancellationToken cancellationToken)
    {
        var delay = Options.RetryDelay;
        while (true)
        {
            try
            {
                return await call(Backplane, channel, cancellationToken).ConfigureAwait(false);
            }
            catch (BackplaneUnavailableException e)
            {
                RxStreamsLog.HistoryReadRetry(Logger, channel, delay, e);
                await Observable.Timer(delay, Options.Scheduler).ToTask(cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Logs a failed fire-and-forget publish.</summary>
    internal void ObservePublish<TResult>(string channel, ValueTask<TResult> publish)
    {
        if (publish.IsCompletedSuccessfully)
        {
            return;
        }
        _ = Observe(channel, publish);

        async Task Observe(string channel, ValueTask<TResult> task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RxStreamsMetrics.PublishFailures.Add(1);
                RxStreamsLog.PublishFailed(Logger, channel, e);
            }
        }
    }
}
