using System.Globalization;

namespace RxStreams.Tests.Hub;

public sealed class StreamOffsetTests
{
    [Theory]
    [InlineData("0-0", 0UL, 0UL)]
    [InlineData("1700000000000-3", 1700000000000UL, 3UL)]
    [InlineData("42", 42UL, 0UL)]
    [InlineData("18446744073709551615-18446744073709551615", ulong.MaxValue, ulong.MaxValue)]
    public void Parses_and_prints(string text, ulong major, ulong minor)
    {
        var offset = StreamOffset.Parse(text);
        Assert.Equal(new StreamOffset(major, minor), offset);
        Assert.Equal(text.Contains('-') ? text : text + "-0", offset.ToString());
        Span<byte> utf8 = stackalloc byte[StreamOffset.MaxFormattedLength];
        Assert.True(offset.TryFormat(utf8, out var n, default, CultureInfo.InvariantCulture));
        Assert.Equal(offset.ToString(), System.Text.Encoding.UTF8.GetString(utf8[..n]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    [InlineData("a-1")]
    [InlineData(" 1-2")]
    [InlineData("+1-2")]
    [InlineData("18446744073709551616-0")]
    public void Rejects_what_is_not_an_offset(string text)
    {
        Assert.False(StreamOffset.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => StreamOffset.Parse(text));
        Assert.Contains("major", error.Message);
    }

    [Fact]
    public void Orders_by_major_then_minor()
    {
        var a = new StreamOffset(1, 5);
        var b = new StreamOffset(2, 0);
        var c = new StreamOffset(2, 1);
        Assert.True(a < b && b < c && a < c);
        Assert.True(StreamOffset.Start < a);
        Assert.Equal(c, b.Next());
        Assert.Equal(new StreamOffset(3, 0), new StreamOffset(2, ulong.MaxValue).Next());
        Assert.Equal([a, b, c], new[] { c, a, b }.Order());
    }
}
