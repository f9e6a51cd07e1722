namespace Chat.Model;

/// <summary>A name a user gave another person, seen only by them (<c>contacts</c>, <c>contacts/name</c>).</summary>
/// <param name="PeerId">The other person's user id.</param>
/// <param name="Name">The name, or null to go back to their own display name.</param>
public sealed record ContactName(string PeerId, string? Name);
