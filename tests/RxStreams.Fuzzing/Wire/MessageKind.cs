namespace RxStreams.Fuzzing.Wire;

/// <summary>The WebSocket message type a fuzz message is sent as.</summary>
public enum MessageKind
{
    Binary,
    Text,
}
