namespace RxStreams;

/// <summary>One entry in a presence set.</summary>
/// <param name="Id">Unique within the set: usually a connection or session id. Joining again with the same id updates the entry.</param>
/// <param name="User">The user the entry belongs to; one user may have several entries (several tabs or devices).</param>
/// <param name="Data">Anything the application wants others to see (a display name, a status), or null.</param>
[StreamMessage]
public sealed record PresenceMember(string Id, string User, string? Data = null);
