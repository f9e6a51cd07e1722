using RxStreams.Fuzzing.Client;

namespace RxStreams.Fuzzing.Run;

/// <summary>A connection carrying sequences one after another: its socket, the id base (every client id used so far is at most it) and the streams of earlier sequences.</summary>
public sealed class FuzzConnection(FuzzSocket socket, bool handshakeDone) : IAsyncDisposable
{
    public FuzzSocket Socket => socket;

    public bool HandshakeDone { get; set; } = handshakeDone;

    /// <summary>Always even: relative id r is sent as IdBase + r, keeping its parity.</summary>
    public uint IdBase { get; set; }

    /// <summary>Streams of earlier sequences: whether frames may still come for them (cancelled) and which sequence owned them.</summary>
    public Dictionary<uint, (bool Cancelled, long Sequence, string Class)> Earlier { get; } = [];

    /// <summary>Problems seen on this connection that belong to an earlier sequence (a frame after its stream ended).</summary>
    public List<(long Sequence, string Class, string Problem)> LateProblems { get; } = [];

    public ValueTask DisposeAsync() => socket.DisposeAsync();
}
