namespace RxStreams.Redis;

/// <summary>The time and payload of an ephemeral message.</summary>
internal readonly record struct RedisEphemeralMessage(DateTimeOffset Timestamp, ReadOnlyMemory<byte> Payload);
