using System.Text;
using System.Text.RegularExpressions;

namespace Chat.Model;

/// <summary>What a room name, a display name and a user id may look like.</summary>
public static partial class Names
{
    /// <summary>The longest display name.</summary>
    public const int MaxDisplayName = 32;

    /// <summary>Lower-case letters, digits and dashes, 1 to 24 characters, starting and ending with a letter or digit.</summary>
    public static bool IsRoom(string? name) => name is not null && RoomPattern().IsMatch(name);

    /// <summary>"My Room!" becomes "my-room"; null when nothing valid is left.</summary>
    public static string? ToRoom(string? text)
    {
        var name = NotRoomCharacters().Replace((text ?? "").Trim().TrimStart('#').ToLowerInvariant(), "-").Trim('-');
        return IsRoom(name) ? name : null;
    }

    /// <summary>A user id as the login endpoint makes them: 16 URL-safe base64 characters.</summary>
    public static bool IsUserId(string? id) => id is not null && UserIdPattern().IsMatch(id);

    /// <summary>Trims and collapses white space; null when empty, too long or holding control characters.</summary>
    public static string? ToDisplayName(string? text)
    {
        var name = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return name.Length is > 0 and <= MaxDisplayName && !name.Any(char.IsControl) && name.IsNormalized(NormalizationForm.FormC) ? name : null;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$")]
    private static partial Regex RoomPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotRoomCharacters();

    [GeneratedRegex("^[A-Za-z0-9_-]{16}$")]
    private static partial Regex UserIdPattern();
}
