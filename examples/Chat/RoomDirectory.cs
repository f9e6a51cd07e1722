using System.Collections.Concurrent;
using Chat.Model;
using RxStreams;

namespace Chat;

/// <summary>
/// The rooms this node knows, kept by following the durable "rooms" channel from its start. At startup it catches
/// up with the channel, then creates the default rooms that are missing (idempotently: several nodes starting at
/// once may announce one twice, and readers keep the first).
/// </summary>
public sealed class RoomDirectory(IStreamHub hub, ILogger<RoomDirectory> logger) : IHostedService, IDisposable
{
    /// <summary>The rooms every chat starts with.</summary>
    public static readonly string[] DefaultRooms = ["general", "random"];

    private readonly ConcurrentDictionary<string, RoomInfo> _rooms = new(StringComparer.Ordinal);
    private readonly IStreamChannel<RoomInfo> _channel = hub.Channel<RoomInfo>(Channels.Rooms);
    private IDisposable? _subscription;

    /// <summary>True when the room exists.</summary>
    public bool Contains(string room) => _rooms.ContainsKey(room);

    /// <summary>Throws <c>no_such_room</c> unless the room exists.</summary>
    public void Require(string room)
    {
        if (!Contains(room))
        {
            throw new StreamException("no_such_room", $"There is no room '{room}'. Create it first.");
        }
    }

    /// <summary>Creates a room unless it exists; returns it either way.</summary>
    public async Task<RoomInfo> CreateAsync(string name, string createdBy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (_rooms.TryGetValue(name, out var existing))
        {
            return existing;
        }
        var room = new RoomInfo(name, createdBy, now);
        await _channel.PublishAsync(room, cancellationToken);
        return _rooms.GetOrAdd(name, room); // known here at once, before the channel's live tail brings it back
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = await _channel.GetInfoAsync(cancellationToken);
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (info.Last is null)
        {
            caughtUp.TrySetResult();
        }
        _subscription = _channel.From(StreamOffset.Start).Subscribe(
            item =>
            {
                _rooms.TryAdd(item.Value.Name, item.Value);
                if (item.Offset >= info.Last)
                {
                    caughtUp.TrySetResult();
                }
            },
            error =>
            {
                logger.LogError(error, "The rooms channel failed.");
                caughtUp.TrySetException(error);
            });
        await caughtUp.Task.WaitAsync(cancellationToken);
        foreach (var room in DefaultRooms)
        {
            await CreateAsync(room, "RxStreams", DateTimeOffset.UtcNow, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();
}
