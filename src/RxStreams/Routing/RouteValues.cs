using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace RxStreams.Routing;

/// <summary>
/// The values a route match captured, as ranges of the route text: matching allocates nothing. Generated routers
/// fill it with <see cref="Add"/>; generated endpoints read typed values with the <c>Get…</c> methods.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct RouteValues
{
    /// <summary>The most parameters a template may have.</summary>
    public const int MaxCount = 8;

    private RangeBuffer _ranges;

    /// <summary>How many values were captured.</summary>
    public int Count { readonly get; private set; }

    /// <summary>Captures the value at <paramref name="start"/> of length <paramref name="length"/> in the route text.</summary>
    public void Add(int start, int length)
    {
        if ((uint)Count >= MaxCount)
        {
            throw new InvalidOperationException($"A route has at most {MaxCount} parameters.");
        }
        _ranges[Count++] = (start, length);
    }

    /// <summary>Forgets every captured value (a router does this before trying the next template).</summary>
    public void Clear() => Count = 0;

    /// <summary>The text of value <paramref name="index"/>.</summary>
    public readonly ReadOnlySpan<char> GetSpan(string route, int index)
    {
        ArgumentNullException.ThrowIfNull(route);
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var (start, length) = _ranges[index];
        return route.AsSpan(start, length);
    }

    /// <summary>Value <paramref name="index"/> as a string.</summary>
    public readonly string GetString(string route, int index) => new(GetSpan(route, index));

    /// <summary>Value <paramref name="index"/> as an <see cref="int"/> (the router checked it parses).</summary>
    public readonly int GetInt32(string route, int index) => int.Parse(GetSpan(route, index), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Value <paramref name="index"/> as a <see cref="long"/>.</summary>
    public readonly long GetInt64(string route, int index) => long.Parse(GetSpan(route, index), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Value <paramref name="index"/> as a <see cref="Guid"/>.</summary>
    public readonly Guid GetGuid(string route, int index) => Guid.Parse(GetSpan(route, index));

    /// <summary>Value <paramref name="index"/> as a <see cref="bool"/>.</summary>
    public readonly bool GetBoolean(string route, int index) => bool.Parse(GetSpan(route, index));

    /// <summary>True when <paramref name="value"/> is a valid <c>{x:int}</c> value.</summary>
    public static bool IsInt32(ReadOnlySpan<char> value) => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>True when <paramref name="value"/> is a valid <c>{x:long}</c> value.</summary>
    public static bool IsInt64(ReadOnlySpan<char> value) => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>True when <paramref name="value"/> is a valid <c>{x:guid}</c> value.</summary>
    public static bool IsGuid(ReadOnlySpan<char> value) => Guid.TryParse(value, out _);

    /// <summary>True when <paramref name="value"/> is a valid <c>{x:bool}</c> value (<c>true</c>/<c>false</c>, any case).</summary>
    public static bool IsBoolean(ReadOnlySpan<char> value) => bool.TryParse(value, out _);

    [InlineArray(MaxCount)]
    private struct RangeBuffer
    {
        private (int Start, int Length) _element;
    }
}
