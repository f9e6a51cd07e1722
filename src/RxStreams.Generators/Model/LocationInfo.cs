using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RxStreams.Generators.Model;

/// <summary>Where a diagnostic goes, as values (a <see cref="Location"/> would pin a syntax tree in the pipeline).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
        => location?.SourceTree is { } tree
            ? new LocationInfo(tree.FilePath, location.SourceSpan, location.GetLineSpan().Span)
            : null;
}
