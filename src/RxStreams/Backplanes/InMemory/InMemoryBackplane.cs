using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxStreams.Backplanes.InMemory;

/// <summary>
/// The default backplane: everything in this process's memory. Thread-safe, ordered per channel, with a bounded
/// history per durable channel. Nothing survives the process and nothing reaches another process: for several
/// nodes, use the Redis backplane.
/// </summary>
public sealed class InMemoryBackplane : StreamBackplane
{
    private readonly InMemoryBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, InMemoryChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryChannel> _ephemeral = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryPresenceSet> _presence = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryWorkQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryModel> _models = new(StringComparer.Ordinal);

    /// <summary>Creates the backplane.</summary>
    public InMemoryBackplane(InMemoryBackplaneOptions? options = null, ILogger<InMemoryBackplane>? logger = null)
    {
        _options = options ?? new InMemoryBackplaneOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxChannelLength, 1, nameof(InMemoryBackplaneOptions.MaxChannelLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxQueueLength, 1, nameof(InMemoryBackplaneOptions.MaxQueueLength));
        ArgumentNullException.ThrowIfNull(_options.Scheduler, nameof(InMemoryBackplaneOptions.Scheduler));
        _logger = logger ?? NullLogger<InMemoryBackplane>.Instance;
    }

    /// <inheritdoc />
    public override string Name => "memory";

    private InMemoryChannel Durable(string channel) => _channels.GetOrAdd(channel, static (n, self) => new InMemoryChannel(n, self._options, self._logger), this);

    private InMemoryChannel Ephemeral(string channel) => _ephemeral.GetOrAdd(channel, static (n, self) => new InMemoryChannel(n, self._options, self._logger), this);

    private InMemoryPresenceSet PresenceSet(string set) => _presence.GetOrAdd(set, static (n, self) => new InMemoryPresenceSet(n, self._logger), this);

    private InMemoryWorkQueue WorkQueue(string queue) => _queues.GetOrAdd(queue, static (n, self) => new InMemoryWorkQueue(n, self._options, self._logger), this);

    /// <inheritdoc />
    public override ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
        => ValueTask.FromResult(Durable(channel).Append(payload, Math.Max(1, maxLength ?? _options.MaxChannelLength), durable: true));

    /// <inheritdoc />
    public override ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
        => ValueTask.FromResult(Durable(channel).Read(after, count));

    /// <inheritdoc />
    public override ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken)
        => ValueTask.FromResult(Durable(channel).Info());

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after) => Durable(channel).Subscribe(after);

    /// <inheritdoc />
    public override ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Ephemeral(channel).Append(payload, 0, durable: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> Subscribe(string channel) => Ephemeral(channel).Subscribe(null);

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => ValueTask.FromResult(PresenceSet(set).Join(member)!);

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => ValueTask.FromResult(PresenceSet(set).Join(member, exclusive: true));

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken)
        => ValueTask.FromResult(PresenceSet(set).Members());

    /// <inheritdoc />
    public override ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ValueTask.FromResult(PresenceSet(set).Member(id));
    }

    /// <inheritdoc />
    public override IObservable<PresenceEvent> SubscribePresence(string set) => PresenceSet(set).Subscribe();

    /// <inheritdoc />
    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => ValueTask.FromResult(WorkQueue(queue).Enqueue(payload));

    /// <inheritdoc />
    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return WorkQueue(queue).Consume(group, consumer, options);
    }

    /// <inheritdoc />
    public override ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
        => ValueTask.FromResult(WorkQueue(queue).Ack(group, consumer, id));

    /// <inheritdoc />
    public override ValueTask<BackplaneModelState> ReadModelAsync(string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return ValueTask.FromResult(_models.TryGetValue(channel, out var model) ? model.Read() : default);
    }

    /// <inheritdoc />
    public override ValueTask<BackplaneModelWrite> WriteModelAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var model = _models.GetOrAdd(channel, static _ => new InMemoryModel());
        return ValueTask.FromResult(model.Write(Durable(channel), expectedVersion, state, change, Math.Max(1, maxLength)));
    }
}
