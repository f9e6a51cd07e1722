using System.Net.WebSockets;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Client;

/// <summary>What a <see cref="FuzzSocket"/> received: a frame (its fields copied), the server's close, an abort, or a server message that breaks the protocol.</summary>
public sealed record Incoming
{
    public IncomingKind Kind { get; init; }

    public FrameType Type { get; init; }

    public uint StreamId { get; init; }

    public string Payload { get; init; } = "";

    public string? Code { get; init; }

    public string? Message { get; init; }

    public StreamOffset? Offset { get; init; }

    public uint Version { get; init; }

    public string? SessionId { get; init; }

    public bool Resumed { get; init; }

    public uint KeepAliveMilliseconds { get; init; }

    public uint MaxFrameSize { get; init; }

    public uint Credits { get; init; }

    public bool HasPayload { get; init; }

    public string? Route { get; init; }

    public WebSocketCloseStatus? CloseStatus { get; init; }

    public string? CloseDescription { get; init; }

    /// <summary>For <see cref="IncomingKind.Violation"/>: what the server sent that it must not.</summary>
    public string? Violation { get; init; }

    public static Incoming From(in Frame frame) => new()
    {
        Kind = IncomingKind.Frame,
        Type = frame.Type,
        StreamId = frame.StreamId,
        Payload = frame.Type is FrameType.Next or FrameType.Open ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(frame.Payload)) : "",
        HasPayload = frame.HasPayload,
        Code = frame.Code,
        Message = frame.Message,
        Offset = frame.Offset,
        Version = frame.Version,
        SessionId = frame.SessionId,
        Resumed = frame.Resumed,
        KeepAliveMilliseconds = frame.KeepAliveMilliseconds,
        MaxFrameSize = frame.MaxFrameSize,
        Credits = frame.Credits,
        Route = frame.Route,
    };

    public override string ToString() => Kind switch
    {
        IncomingKind.Closed => $"CLOSE {(int?)CloseStatus} \"{CloseDescription}\"",
        IncomingKind.Aborted => "ABORTED (1006, no close handshake)",
        IncomingKind.Violation => $"SERVER VIOLATION: {Violation}",
        _ => Type switch
        {
            FrameType.Next => $"NEXT {StreamId}{(Offset is { } o ? " @" + o : "")} {Payload}",
            FrameType.Error => $"ERROR {StreamId} {Code}{(Offset is { } e ? " @" + e : "")}: {Message}",
            FrameType.Welcome => $"WELCOME v{Version} session={SessionId} resumed={Resumed} keepAlive={KeepAliveMilliseconds} max={MaxFrameSize}",
            FrameType.Open => $"OPEN {StreamId} {Route}",
            FrameType.Request => $"REQUEST {StreamId} {Credits}",
            _ => $"{Type.ToString().ToUpperInvariant()} {StreamId}",
        },
    };
}

/// <summary>The kinds of <see cref="Incoming"/>.</summary>
public enum IncomingKind
{
    Frame,
    Closed,
    Aborted,
    Violation,
}
