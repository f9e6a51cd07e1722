using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RxStreams;

/// <summary>
/// The position of an item in a durable channel. Both backplanes use the shape of a Redis Stream id:
/// <see cref="Major"/> is a Unix time in milliseconds and <see cref="Minor"/> a sequence within it.
/// Offsets are totally ordered, print as <c>"major-minor"</c> and parse back from that text.
/// </summary>
/// <remarks>
/// Reading a channel "from" an offset is exclusive, as <c>XREAD</c> is: it yields the items after it.
/// <see cref="Start"/> (<c>0-0</c>) therefore means "everything the channel still holds".
/// </remarks>
public readonly struct StreamOffset : IEquatable<StreamOffset>, IComparable<StreamOffset>, ISpanFormattable, ISpanParsable<StreamOffset>, IUtf8SpanFormattable
{
    /// <summary>The offset before every item: reading from it yields the whole retained history.</summary>
    public static StreamOffset Start => default;

    /// <summary>The largest offset; nothing comes after it.</summary>
    public static StreamOffset MaxValue => new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>The longest text an offset formats to: two 20-digit numbers and a dash.</summary>
    public const int MaxFormattedLength = 41;

    /// <summary>Creates an offset from its two parts.</summary>
    /// <param name="major">The major part (for both backplanes: Unix milliseconds).</param>
    /// <param name="minor">The minor part (a sequence within <paramref name="major"/>).</param>
    public StreamOffset(ulong major, ulong minor)
    {
        Major = major;
        Minor = minor;
    }

    /// <summary>The major part: for the built-in backplanes, Unix milliseconds.</summary>
    public ulong Major { get; }

    /// <summary>The minor part: a sequence number within <see cref="Major"/>.</summary>
    public ulong Minor { get; }

    /// <summary>True for <see cref="Start"/>.</summary>
    public bool IsStart => Major == 0 && Minor == 0;

    /// <summary>The smallest offset greater than this one.</summary>
    public StreamOffset Next() => Minor == ulong.MaxValue ? new(Major + 1, 0) : new(Major, Minor + 1);

    /// <inheritdoc />
    public int CompareTo(StreamOffset other)
    {
        var c = Major.CompareTo(other.Major);
        return c != 0 ? c : Minor.CompareTo(other.Minor);
    }

    /// <inheritdoc />
    public bool Equals(StreamOffset other) => Major == other.Major && Minor == other.Minor;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StreamOffset o && Equals(o);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor);

    /// <summary>Formats as <c>"major-minor"</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}-{Minor}");

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => destination.TryWrite(CultureInfo.InvariantCulture, $"{Major}-{Minor}", out charsWritten);

    /// <inheritdoc />
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        bytesWritten = 0;
        if (!Utf8Formatter.TryFormat(Major, utf8Destination, out var a) || a >= utf8Destination.Length)
        {
            return false;
        }
        utf8Destination[a] = (byte)'-';
        if (!Utf8Formatter.TryFormat(Minor, utf8Destination[(a + 1)..], out var b))
        {
            return false;
        }
        bytesWritten = a + 1 + b;
        return true;
    }

    /// <summary>Parses <c>"major-minor"</c>, or a lone <c>"major"</c> (minor 0).</summary>
    /// <exception cref="FormatException">The text is not an offset.</exception>
    public static StreamOffset Parse(string s) => Parse(s.AsSpan(), null);

    /// <inheritdoc />
    public static StreamOffset Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), provider);

    /// <inheritdoc />
    public static StreamOffset Parse(ReadOnlySpan<char> s, IFormatProvider? provider)
        => TryParse(s, provider, out var result)
            ? result
            : throw new FormatException($"'{s}' is not a stream offset: expected \"<major>-<minor>\" with two unsigned integers, e.g. \"1700000000000-0\".");

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out StreamOffset result)
        => TryParse(s.AsSpan(), provider, out result);

    /// <summary>Tries to parse <c>"major-minor"</c> or <c>"major"</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out StreamOffset result) => TryParse(s.AsSpan(), null, out result);

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out StreamOffset result)
    {
        result = default;
        var dash = s.IndexOf('-');
        var majorText = dash < 0 ? s : s[..dash];
        var minorText = dash < 0 ? "0".AsSpan() : s[(dash + 1)..];
        if (!IsDigits(majorText) || !IsDigits(minorText)
            || !ulong.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !ulong.TryParse(minorText, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }
        result = new StreamOffset(major, minor);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    /// <summary>Compares two offsets.</summary>
    public static bool operator ==(StreamOffset left, StreamOffset right) => left.Equals(right);

    /// <summary>Compares two offsets.</summary>
    public static bool operator !=(StreamOffset left, StreamOffset right) => !left.Equals(right);

    /// <summary>Compares two offsets.</summary>
    public static bool operator <(StreamOffset left, StreamOffset right) => left.CompareTo(right) < 0;

    /// <summary>Compares two offsets.</summary>
    public static bool operator >(StreamOffset left, StreamOffset right) => left.CompareTo(right) > 0;

    /// <summary>Compares two offsets.</summary>
    public static bool operator <=(StreamOffset left, StreamOffset right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two offsets.</summary>
    public static bool operator >=(StreamOffset left, StreamOffset right) => left.CompareTo(right) >= 0;
}
