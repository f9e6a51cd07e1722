namespace Chat.Model;

/// <summary>A word from the server to one user: why a message of theirs was refused.</summary>
public sealed record Notice(string Code, string Text)
{
    /// <summary>The rate limit refused a message.</summary>
    public static readonly Notice SlowDown = new("rate_limited", "Slow down: you are sending messages too fast. That one was not sent.");
}
