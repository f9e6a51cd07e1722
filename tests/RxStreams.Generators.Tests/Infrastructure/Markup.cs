using Microsoft.CodeAnalysis.Text;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>Source text with one span marked as <c>[|…|]</c>, where a diagnostic is expected.</summary>
internal static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new ArgumentException("The markup has no [|…|] span.", nameof(markup));
        }
        var source = markup[..start] + markup[(start + 2)..end] + markup[(end + 2)..];
        return (source, new TextSpan(start, end - start - 2));
    }
}
