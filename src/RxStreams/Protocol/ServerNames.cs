namespace RxStreams.Protocol;

/// <summary>
/// The rule for the names of client-hosted stream servers (<c>$listen/{name}</c>, <c>$connect/{name}</c>): part of
/// the protocol, so the host's router, the server registry and the .NET client check the same thing.
/// </summary>
internal static class ServerNames
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The rule, as an error message says it.</summary>
    public static readonly string Rule = $"A server name has 1 to {MaxLength} characters, no '/' and no control characters.";

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
        => !name.IsEmpty && name.Length <= MaxLength && !name.Contains('/') && !name.ContainsAnyInRange('\0', '\u001f');
}
