using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Chat;

/// <summary>Emoji shortcodes (<c>:smile:</c>, <c>:+1:</c> …), expanded by the server so every client shows the same.</summary>
public static partial class Emoji
{
    /// <summary>The shortcodes and their emoji.</summary>
    public static readonly FrozenDictionary<string, string> Shortcodes = new Dictionary<string, string>
    {
        ["smile"] = "😄", ["grin"] = "😁", ["joy"] = "😂", ["rofl"] = "🤣", ["wink"] = "😉", ["blush"] = "😊",
        ["slightly_smiling_face"] = "🙂", ["upside_down_face"] = "🙃", ["heart_eyes"] = "😍", ["kissing_heart"] = "😘",
        ["yum"] = "😋", ["stuck_out_tongue"] = "😛", ["thinking"] = "🤔", ["neutral_face"] = "😐", ["expressionless"] = "😑",
        ["roll_eyes"] = "🙄", ["smirk"] = "😏", ["relieved"] = "😌", ["sleeping"] = "😴", ["sunglasses"] = "😎",
        ["nerd_face"] = "🤓", ["confused"] = "😕", ["worried"] = "😟", ["cry"] = "😢", ["sob"] = "😭", ["scream"] = "😱",
        ["angry"] = "😠", ["rage"] = "😡", ["exploding_head"] = "🤯", ["partying_face"] = "🥳", ["wave"] = "👋",
        ["+1"] = "👍", ["thumbsup"] = "👍", ["-1"] = "👎", ["thumbsdown"] = "👎", ["clap"] = "👏", ["pray"] = "🙏",
        ["muscle"] = "💪", ["ok_hand"] = "👌", ["raised_hands"] = "🙌", ["point_up"] = "☝️", ["eyes"] = "👀",
        ["heart"] = "❤️", ["broken_heart"] = "💔", ["fire"] = "🔥", ["sparkles"] = "✨", ["star"] = "⭐\uFE0F", ["tada"] = "🎉",
        ["rocket"] = "🚀", ["100"] = "💯", ["zap"] = "⚡\uFE0F", ["boom"] = "💥", ["coffee"] = "☕\uFE0F", ["pizza"] = "🍕",
        ["beer"] = "🍺", ["cake"] = "🍰", ["bug"] = "🐛", ["cat"] = "🐱", ["dog"] = "🐶", ["unicorn"] = "🦄",
        ["sun"] = "☀️", ["rainbow"] = "🌈", ["check"] = "✅", ["x"] = "❌", ["warning"] = "⚠️", ["bulb"] = "💡",
        ["question"] = "❓", ["wave_dash"] = "〰️", ["computer"] = "💻", ["ship"] = "🚢",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Replaces every known <c>:shortcode:</c> in <paramref name="text"/>; unknown ones stay as they are.</summary>
    public static string Expand(string text)
        => text.Contains(':', StringComparison.Ordinal)
            ? Shortcode().Replace(text, m => Shortcodes.TryGetValue(m.Groups[1].Value, out var emoji) ? emoji : m.Value)
            : text;

    [GeneratedRegex(@":([a-z0-9_+\-]{1,32}):")]
    private static partial Regex Shortcode();
}
