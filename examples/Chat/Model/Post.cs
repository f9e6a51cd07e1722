namespace Chat.Model;

/// <summary>What a client writes to a room or a conversation: just the text. Everything else is the server's to say.</summary>
public sealed record Post(string Text);
