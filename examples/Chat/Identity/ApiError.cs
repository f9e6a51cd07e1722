namespace Chat.Identity;

/// <summary>An error of the REST endpoints.</summary>
public sealed record ApiError(string Error);
