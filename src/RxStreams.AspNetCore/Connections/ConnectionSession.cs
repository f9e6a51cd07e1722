using System.Security.Claims;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// A connection's session: resolved at HELLO (resumed when the client names one of its own user's sessions, else new),
/// the last offsets of its resumable streams as they end, and the record saved when the connection ends. The store
/// being down never stops a connection: the client then gets a fresh session.
/// </summary>
internal sealed class ConnectionSession(StreamConnectionHandler handler)
{
    private readonly object _gate = new();
    // Created when first needed: most connections resume nothing.
    private Dictionary<string, StreamOffset>? _lastOffsets;
    private StreamSession? _record;

    /// <summary>The session's id, once resolved (empty before).</summary>
    public string Id { get; private set; } = "";

    /// <summary>Resolves the session for <paramref name="user"/>; true when the client's <paramref name="requested"/> one was resumed.</summary>
    public async Task<bool> ResolveAsync(ClaimsPrincipal user, string? requested)
    {
        // The stable id when the app has one (a rename keeps the session), else the name.
        var owner = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name ?? "";
        var now = handler.Clock.GetUtcNow();
        try
        {
            if (!string.IsNullOrEmpty(requested) && requested.Length <= 128
                && await handler.Sessions.GetAsync(requested).ConfigureAwait(false) is { } existing
                && existing.User == owner)
            {
                _record = existing with { LastSeen = now };
                Id = existing.Id;
                await handler.Sessions.SetAsync(_record, handler.Options.SessionTimeout).ConfigureAwait(false);
                return true;
            }
            Id = ConnectionIds.New(16);
            _record = new StreamSession(Id, owner, now, now, []);
            await handler.Sessions.SetAsync(_record, handler.Options.SessionTimeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A session store that is down (Redis) must not stop connections: the client gets a fresh session.
            RxStreamsHostLog.SessionStoreFailed(handler.Logger, e);
            if (Id.Length == 0)
            {
                Id = ConnectionIds.New(16);
            }
        }
        return false;
    }

    /// <summary>
    /// Keeps a resumable stream's last offset for the record; at most <see cref="RxStreamsOptions.MaxStreamsPerConnection"/>
    /// routes are kept (another goes to make room), so a client opening ever new routes cannot grow the connection's memory.
    /// </summary>
    public void RememberOffset(string route, StreamOffset offset)
    {
        lock (_gate)
        {
            var lastOffsets = _lastOffsets ??= new Dictionary<string, StreamOffset>(StringComparer.Ordinal);
            if (lastOffsets.Count >= handler.Options.MaxStreamsPerConnection && !lastOffsets.ContainsKey(route))
            {
                foreach (var oldest in lastOffsets.Keys)
                {
                    lastOffsets.Remove(oldest);
                    break;
                }
            }
            lastOffsets[route] = offset;
        }
    }

    /// <summary>Saves the record with the offsets remembered (the connection ended).</summary>
    public async Task SaveAsync()
    {
        if (_record is null)
        {
            return;
        }
        try
        {
            SessionStream[] streams;
            lock (_gate)
            {
                streams = _lastOffsets is { } lastOffsets ? [.. lastOffsets.Select(kv => new SessionStream(kv.Key, kv.Value))] : [];
            }
            await handler.Sessions.SetAsync(_record with { LastSeen = handler.Clock.GetUtcNow(), Streams = streams }, handler.Options.SessionTimeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RxStreamsHostLog.SessionStoreFailed(handler.Logger, e);
        }
    }
}
