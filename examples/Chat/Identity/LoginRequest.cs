namespace Chat.Identity;

/// <summary>The body of <c>POST /api/login</c>.</summary>
public sealed record LoginRequest(string? Name);
