using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Protection;

namespace RxStreams.AspNetCore;

/// <summary>Encrypts what RxStreams stores in its backplane.</summary>
public static class RxStreamsProtectionBuilderExtensions
{
    /// <summary>
    /// Encrypts and authenticates, at rest in the backplane, the payloads of durable channels and work queues and the
    /// contents of sessions (user, routes and offsets), with ASP.NET Core Data Protection. Wraps whichever backplane
    /// and session store are configured (in memory or Redis, whether <c>AddRedis</c> is called before or after).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every node must share one data-protection key ring and application name: configure it with
    /// <c>services.AddDataProtection().SetApplicationName("…").PersistKeysTo…(…)</c> (a shared folder, Redis, a
    /// database) and protect the keys at rest as well. With the default per-machine key ring, nodes cannot read each
    /// other's items. Key rotation keeps old items readable while their keys stay in the ring and are not revoked.
    /// </para>
    /// <para>
    /// Ephemeral channels, presence members and client-hosted server names are not stored and stay in clear; so do
    /// channel and queue names, offsets, timestamps and session ids (they are keys). An item that does not decrypt
    /// (tampered with, or its key missing or revoked) is logged and ends the one stream reading it with
    /// <see cref="StreamErrorCodes.Undecryptable"/>; a session that does not decrypt is treated as unknown.
    /// Items stored before protection was enabled do not decrypt either: enable it on a fresh backplane.
    /// </para>
    /// </remarks>
    /// <param name="builder">What <c>AddRxStreams()</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IRxStreamsBuilder ProtectStoredData(this IRxStreamsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDataProtection();
        StoredDataProtection.Apply(builder.Services);
        return builder;
    }
}
