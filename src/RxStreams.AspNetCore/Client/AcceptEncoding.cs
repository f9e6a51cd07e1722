using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace RxStreams.AspNetCore.Client;

/// <summary>Picks the content coding of a response from the request's <c>Accept-Encoding</c>.</summary>
internal static class AcceptEncoding
{
    /// <summary>Brotli.</summary>
    public const string Brotli = "br";

    /// <summary>gzip.</summary>
    public const string Gzip = "gzip";

    /// <summary>
    /// <c>br</c> or <c>gzip</c>, whichever the request accepts with the higher quality (Brotli on a tie, being the
    /// smaller), or <see langword="null"/> for the identity: no <c>Accept-Encoding</c>, neither accepted, or a header
    /// that does not parse. A coding the header does not name gets the quality of <c>*</c>, if present.
    /// </summary>
    public static string? Choose(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var values))
        {
            return null;
        }
        var brotli = Quality(values, Brotli);
        var gzip = Quality(values, Gzip);
        if (brotli > 0 && brotli >= gzip)
        {
            return Brotli;
        }
        return gzip > 0 ? Gzip : null;
    }

    private static double Quality(IList<StringWithQualityHeaderValue> values, string coding)
    {
        double? any = null;
        foreach (var value in values)
        {
            if (value.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                return value.Quality ?? 1;
            }
            if (value.Value.Equals("*", StringComparison.Ordinal))
            {
                any = value.Quality ?? 1;
            }
        }
        return any ?? 0;
    }
}
