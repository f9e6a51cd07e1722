namespace RxStreams.Servers;

/// <summary>What happened to the set of client-hosted servers.</summary>
public enum StreamServerEventKind
{
    /// <summary>The names served when watching began (always the first event).</summary>
    Snapshot,

    /// <summary>A client began to serve a name.</summary>
    Created,

    /// <summary>A name is no longer served: its host closed it, disconnected, or its node died (after the lease).</summary>
    Destroyed,
}

/// <summary>A change of the set of client-hosted servers.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The server's name (null for a snapshot).</param>
/// <param name="Names">For a snapshot, every name served.</param>
[StreamMessage]
public sealed record StreamServerEvent(StreamServerEventKind Kind, string? Name, IReadOnlyList<string>? Names = null);
