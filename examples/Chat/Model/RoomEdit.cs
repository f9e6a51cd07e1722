namespace Chat.Model;

/// <summary>
/// A member's change to a room's state: a new <see cref="Topic"/> (empty clears it), a message to pin, or
/// <see cref="Unpin"/>. The handler validates it; clients never write the state themselves.
/// </summary>
public sealed record RoomEdit(string? Topic, PinRequest? Pin, bool Unpin);

/// <summary>The message to pin, as the client shows it.</summary>
public sealed record PinRequest(string MessageId, string From, string Text);
