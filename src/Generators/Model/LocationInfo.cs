using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generators.Model;

/// <summary>
/// Where a diagnostic belongs, as plain values: a file path and a span. Unlike
/// <see cref="Location"/> it holds no syntax tree, so pipeline outputs stay cacheable; the
/// reporting step turns it back into a real source location so <c>#pragma warning disable</c> works.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}
