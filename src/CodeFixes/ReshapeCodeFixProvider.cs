using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0107 on a Reshape whose shape does not hold its input's values: the shape becomes the one the
/// message suggests, which the generator hands over in <see cref="FixProperties.Shape"/> (the height and
/// width kept with the channels that fit, else <c>[features]</c>):
/// <c>[Reshape(1, 7, 7)]</c> on a <c>[784]</c> input → <c>[Reshape(16, 7, 7)]</c>. The positional
/// arguments are rewritten; <c>From = …</c> and comments after them stay. Not offered when the shape
/// is written as an array, when any value is not a constant, or when the diagnostic has no such property
/// (the other AXN0107 cases, or a suggestion that would bring another error).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReshapeCodeFixProvider)), Shared]
public sealed class ReshapeCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0107 Reshape fix.</summary>
    public const string Key = "AXN0107.ReshapeToInputSize";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidLayerSetting.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var text = await context.Document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Shape, out var shapeText) || Parse(shapeText) is not { } shape
                || CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } first
                || CodeFixSyntax.AttributeOf(first) is not { ArgumentList: { } list } reshape
                || CodeFixSyntax.AxonConstructor(reshape, model, "ReshapeAttribute", cancellationToken) is null)
                continue;
            var positional = list.Arguments.TakeWhile(a => a.NameEquals is null).ToList();
            if (positional.Count == 0 || positional[0] != first
                || positional.Any(a => a.NameColon is not null || CodeFixSyntax.ConstantOf(a, model, cancellationToken) is not int))
                continue;

            string values = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            var change = new TextChange(TextSpan.FromBounds(positional[0].SpanStart, positional[positional.Count - 1].Span.End), values);
            var document = context.Document;
            long size = shape.Aggregate(1L, (a, d) => a * d);
            context.RegisterCodeFix(CodeAction.Create(
                $"Set the shape to [{values}] ({size.ToString(CultureInfo.InvariantCulture)} values, as its input has)",
                _ => Task.FromResult(document.WithText(text.WithChanges(change))),
                Key), diagnostic);
        }
    }

    /// <summary><c>16,7,7</c> → [16, 7, 7]; null unless it is one or three positive integers.</summary>
    private static int[]? Parse(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] <= 0) return null;
        return shape.Length is 1 or 3 ? shape : null;
    }
}
