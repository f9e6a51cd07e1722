using System.Collections.Concurrent;

namespace RxStreams.Sessions;

/// <summary>The default session store: this process's memory, with expiry. For one node.</summary>
public sealed class InMemorySessionStore : IStreamSessionStore
{
    private readonly ConcurrentDictionary<string, (StreamSession Session, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _writes;

    /// <summary>Creates the store.</summary>
    public InMemorySessionStore(TimeProvider? clock = null)
        : this(DefaultMaxSessions, clock)
    {
    }

    /// <summary>Creates a store that keeps at most <paramref name="maxSessions"/> sessions.</summary>
    /// <param name="maxSessions">Past it, the sessions closest to expiring go first (at least 1).</param>
    /// <param name="clock">The clock for expiry; default <see cref="TimeProvider.System"/>.</param>
    public InMemorySessionStore(int maxSessions, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        MaxSessions = maxSessions;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The default of <see cref="MaxSessions"/>: 100,000.</summary>
    public const int DefaultMaxSessions = 100_000;

    /// <summary>
    /// The most sessions kept. Every handshake makes one (kept for <c>SessionTimeout</c>), so a client that reconnects
    /// over and over must not grow the store without bound: past the limit, the sessions closest to expiring go first.
    /// </summary>
    public int MaxSessions { get; }

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
        if (_sessions.Count > MaxSessions)
        {
            Evict(now);
        }
        else if (Interlocked.Increment(ref _writes) % 1024 == 0)
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

    /// <summary>Drops the expired sessions and, if still over the limit, a tenth of it, those closest to expiring.</summary>
    private void Evict(DateTimeOffset now)
    {
        lock (_evicting)
        {
            if (_sessions.Count <= MaxSessions)
            {
                return;
            }
            var entries = _sessions.ToArray();
            Array.Sort(entries, static (x, y) => x.Value.Expires.CompareTo(y.Value.Expires));
            var excess = _sessions.Count - MaxSessions + Math.Max(1, MaxSessions / 10);
            foreach (var (id, entry) in entries)
            {
                if (excess <= 0 && entry.Expires > now)
                {
                    break;
                }
                if (_sessions.TryRemove(KeyValuePair.Create(id, entry)))
                {
                    excess--;
                }
            }
        }
    }

    private readonly Lock _evicting = new();

    /// <inheritdoc />
    public ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        _sessions.TryRemove(sessionId, out _);
        return ValueTask.CompletedTask;
    }
}
