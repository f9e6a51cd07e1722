namespace Chat.Model;

/// <summary>A room, as announced on the durable "rooms" channel.</summary>
public sealed record RoomInfo(string Name, string CreatedBy, DateTimeOffset CreatedAt);
