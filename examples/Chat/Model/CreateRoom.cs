namespace Chat.Model;

/// <summary>The request of the rooms/create RPC.</summary>
public sealed record CreateRoom(string Name);
