using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;

namespace RxStreams.AspNetCore.Protection;

/// <summary>
/// Encrypts and authenticates what RxStreams stores, with ASP.NET Core Data Protection. Every channel and queue has a
/// purpose of its own (its kind and name), so an entry copied from one channel into another by someone with write
/// access to the backplane does not decrypt there.
/// </summary>
internal sealed class StoredDataProtector
{
    /// <summary>The root purpose. Changing it makes everything stored before unreadable: never change it.</summary>
    public const string Purpose = "RxStreams.StoredData.v1";

    // A bound on the cached per-name protectors, so an application with unbounded channel names holds bounded memory.
    private const int MaxCachedProtectors = 10_000;

    private readonly IDataProtector _channels;
    private readonly IDataProtector _queues;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IDataProtector> _channelProtectors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IDataProtector> _queueProtectors = new(StringComparer.Ordinal);

    public StoredDataProtector(IDataProtectionProvider provider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var root = provider.CreateProtector(Purpose);
        _channels = root.CreateProtector("channel");
        _queues = root.CreateProtector("queue");
        Sessions = root.CreateProtector("session");
        _logger = logger;
    }

    /// <summary>The protector of sessions.</summary>
    public IDataProtector Sessions { get; }

    public byte[] ProtectChannelItem(string channel, ReadOnlyMemory<byte> payload) => For(_channelProtectors, _channels, channel).Protect(ArrayOf(payload));

    public byte[] ProtectQueueItem(string queue, ReadOnlyMemory<byte> payload) => For(_queueProtectors, _queues, queue).Protect(ArrayOf(payload));

    /// <exception cref="StreamException"><see cref="StreamErrorCodes.Undecryptable"/>: the entry does not decrypt.</exception>
    public BackplaneEntry UnprotectChannelItem(string channel, in BackplaneEntry entry)
        => entry with { Payload = Unprotect(For(_channelProtectors, _channels, channel), "channel", channel, entry.Offset, entry.Payload) };

    /// <summary>A model's stored state, protected as the items of its change channel are.</summary>
    /// <exception cref="StreamException"><see cref="StreamErrorCodes.Undecryptable"/>: the state does not decrypt.</exception>
    public byte[] UnprotectModelState(string channel, StreamOffset offset, ReadOnlyMemory<byte> state)
        => Unprotect(For(_channelProtectors, _channels, channel), "model", channel, offset, state);

    /// <exception cref="StreamException"><see cref="StreamErrorCodes.Undecryptable"/>: the item does not decrypt.</exception>
    public BackplaneWorkItem UnprotectQueueItem(string queue, in BackplaneWorkItem item)
        => item with { Payload = Unprotect(For(_queueProtectors, _queues, queue), "queue", queue, item.Id, item.Payload) };

    private byte[] Unprotect(IDataProtector protector, string kind, string name, StreamOffset offset, ReadOnlyMemory<byte> payload)
    {
        try
        {
            return protector.Unprotect(ArrayOf(payload));
        }
        catch (CryptographicException e)
        {
            // Tampered with, written without protection, or protected with a key this node's key ring does not hold
            // (or that was revoked). Never skipped silently and never thrown further than this one stream.
            ProtectionLog.Undecryptable(_logger, kind, name, offset, e);
            throw new StreamException(
                StreamErrorCodes.Undecryptable,
                $"An item of this stream ({offset}) cannot be decrypted with the server's data-protection keys.",
                e);
        }
    }

    private static IDataProtector For(ConcurrentDictionary<string, IDataProtector> cache, IDataProtector parent, string name)
    {
        if (cache.TryGetValue(name, out var protector))
        {
            return protector;
        }
        if (cache.Count >= MaxCachedProtectors)
        {
            cache.Clear();
        }
        return cache.GetOrAdd(name, static (n, p) => p.CreateProtector(n), parent);
    }

    /// <summary>The payload as an array, without copying when it already is a whole one (the hub's usual case).</summary>
    private static byte[] ArrayOf(ReadOnlyMemory<byte> payload)
        => MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
