namespace RxStreams.Fuzzing.Wire;

/// <summary>Where a sequence runs.</summary>
public enum SequenceMode
{
    /// <summary>After the handshake, on a connection shared with the sequences before and after it (if it does not close it).</summary>
    Batched,

    /// <summary>After the handshake, on a connection of its own (it needs a known stream count, for example).</summary>
    Fresh,

    /// <summary>On a new connection before any HELLO: its messages include the handshake (or break it).</summary>
    PreHello,

    /// <summary>A hostile scenario with its own runner and oracle (slow readers, floods, abandoned handshakes …).</summary>
    Scenario,
}
