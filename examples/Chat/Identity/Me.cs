namespace Chat.Identity;

/// <summary>Who the cookie says the user is.</summary>
public sealed record Me(string Id, string Name);
