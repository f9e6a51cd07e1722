using System.Net.WebSockets;

namespace RxStreams.Fuzzing.Oracle;

/// <summary>The documented answer to a sequence, as <see cref="ProtocolModel"/> computes it.</summary>
public sealed class Expectation
{
    /// <summary>A WELCOME comes (sequences that start before HELLO).</summary>
    public bool Welcome { get; set; }

    /// <summary>The connection ends with ERROR(0, this code) and <see cref="CloseStatus"/>; null: it stays up.</summary>
    public string? ConnectionError { get; set; }

    public WebSocketCloseStatus? CloseStatus { get; set; }

    /// <summary>The client itself ended the connection (ERROR(0) from the client): the server closes 1000; whether it sends an ERROR(0) back is not documented.</summary>
    public bool ClientEndedConnection { get; set; }

    /// <summary>PONGs owed for the PINGs of the sequence.</summary>
    public int Pongs { get; set; }

    /// <summary>Every stream the sequence opened (by relative id), with what it must receive.</summary>
    public Dictionary<uint, StreamExpectation> Streams { get; } = [];

    /// <summary>The highest client stream id (relative) the sequence opened, to move the connection's id base past it.</summary>
    public uint HighestId { get; set; }

    /// <summary>Why the model decided what it did, step by step (printed with a failure).</summary>
    public List<string> Trace { get; } = [];

    public bool Fatal => ConnectionError is not null || ClientEndedConnection;
}
