using System.Globalization;
using System.Net;
using System.Text;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// A hand-written SVG document for the report's charts: shapes and text in user units, numbers written with the
/// invariant culture and one decimal, so the same JSON always gives the same bytes (the charts are checked in).
/// </summary>
internal sealed class Svg(double width, double height, string title)
{
    private readonly StringBuilder _body = new();

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
        => _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>\n");

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null)
        => _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\" fill=\"{fill}\"{(stroke is null ? "" : $" stroke=\"{stroke}\"")}/>\n");

    public void Circle(double x, double y, double r, string stroke, bool filled)
        => _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\" stroke=\"{stroke}\" stroke-width=\"1.5\" fill=\"{(filled ? stroke : "white")}\"/>\n");

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2)
        => _body.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points.Select(p => N(p.X) + "," + N(p.Y)))}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\" stroke-linejoin=\"round\"/>\n");

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> turns it about its anchor (−90: reads upwards).</summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, string fill = "#222", bool bold = false, double rotate = 0)
        => _body.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-size=\"{N(size)}\" fill=\"{fill}\"{(bold ? " font-weight=\"bold\"" : "")}{(rotate != 0 ? $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"" : "")}>{E(text)}</text>\n");

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\" aria-label=\"{E(title)}\">\n" +
            $"<title>{E(title)}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{_body}</svg>\n");
}
