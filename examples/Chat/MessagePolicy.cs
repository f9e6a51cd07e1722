using System.Text.RegularExpressions;
using Chat.Model;

namespace Chat;

/// <summary>
/// What a message may be: trimmed, at most <see cref="MaxLength"/> characters, emoji shortcodes (<c>:smile:</c>)
/// expanded, blocked words masked. Blocked words come from configuration (<c>Chat:BlockedWords</c>).
/// </summary>
public sealed partial class MessagePolicy
{
    /// <summary>The longest message, in characters, after trimming.</summary>
    public const int MaxLength = 1000;

    private readonly Regex? _blocked;

    /// <summary>Creates the policy with the words to mask.</summary>
    public MessagePolicy(IEnumerable<string> blockedWords)
    {
        var words = blockedWords.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => Regex.Escape(w.Trim())).ToArray();
        _blocked = words.Length == 0 ? null : new Regex($@"\b(?:{string.Join('|', words)})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The text to publish (null: nothing to publish) and, when refused, why.</summary>
    public readonly record struct Verdict(string? Text, Notice? Rejection);

    /// <summary>Applies the policy to one message.</summary>
    public Verdict Check(string? text)
    {
        var trimmed = ExtraBlankLines().Replace((text ?? "").Trim(), "\n\n");
        if (trimmed.Length == 0)
        {
            return new Verdict(null, null);
        }
        if (trimmed.Length > MaxLength)
        {
            return new Verdict(null, new Notice("too_long", $"Messages are at most {MaxLength} characters; that one had {trimmed.Length}. It was not sent."));
        }
        var expanded = Emoji.Expand(trimmed);
        return new Verdict(_blocked is null ? expanded : _blocked.Replace(expanded, Mask), null);
    }

    private static string Mask(Match word) => word.Value[0] + new string('*', word.Value.Length - 1);

    [GeneratedRegex(@"\n\s*\n(\s*\n)+")]
    private static partial Regex ExtraBlankLines();
}
