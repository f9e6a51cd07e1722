using System.Collections.Concurrent;

namespace RxStreams.Sessions;

/// <summary>The default session store: this process's memory, with expiry. For one node.</summary>
public sealed class InMemorySessionStore : IStreamSessionStore
{
    private readonly ConcurrentDictionary<string, (StreamSession Session, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _writes;

    /// <summary>Creates the store.</summary>
    public InMemorySessionStore(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<StreamSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (_sessions.TryGetValue(sessionId, out var entry))
        {
            if (entry.Expires > _clock.GetUtcNow())
            {
                return ValueTask.FromResult<StreamSession?>(entry.Session);
            }
            _sessions.TryRemove(KeyValuePair.Create(sessionId, entry));
        }
        return ValueTask.FromResult<StreamSession?>(null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(StreamSession session, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var now = _clock.GetUtcNow();
        _sessions[session.Id] = (session, now + timeToLive);
        if (Interlocked.Increment(ref _writes) % 1024 == 0)
        {
            // Sweep expired sessions now and then, so the store does not grow without bound.
            foreach (var (id, entry) in _sessions)
            {
                if (entry.Expires <= now)
                {
                    _sessions.TryRemove(KeyValuePair.Create(id, entry));
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        _sessions.TryRemove(sessionId, out _);
        return ValueTask.CompletedTask;
    }
}
