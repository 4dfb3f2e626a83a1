using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0205: a Dense layer reads a <c>[C, H, W]</c> tensor, so a Flatten layer goes right before it:
/// <c>[Flatten] public partial Layer Flatten { get; }</c> on its own line with the Dense member's
/// indentation (or before it on the same line, in a one-line class), above the Dense member's
/// comments. The name is the first of Flatten, Flatten2, … that no member of the class or its bases
/// uses, in any casing (tensor names are lower-case). The access modifiers, the <c>Layer</c> type and
/// the attribute's qualification follow the Dense member's. Not offered when the member before is
/// already a Flatten layer. The insertion is <see cref="LayerInsertion"/>'s, shared with AXN0140's fixes.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFixProvider)), Shared]
public sealed class InsertFlattenCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0205 fix.</summary>
    public const string Key = "AXN0205.InsertFlatten";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.DenseNeedsFeatures.Id);

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
            if (CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } units
                || CodeFixSyntax.ParameterOf(units, model, "DenseAttribute", cancellationToken) is not { Name: "units" }
                || CodeFixSyntax.AttributeOf(units) is not { } dense
                || dense.Parent?.Parent is not PropertyDeclarationSyntax property
                || property.Parent is not TypeDeclarationSyntax declaration
                || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } type
                || LayerInsertion.HasLayer(LayerInsertion.Previous(declaration, property), model, "FlattenAttribute"))
                continue;

            string name = LayerInsertion.FreshName(type, "Flatten");
            string member = LayerInsertion.Member(CodeFixSyntax.AttributeNameLike(dense.Name, "DenseAttribute", "Flatten"), property, name);
            var change = LayerInsertion.Insertion(text, property, member);
            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(
                $"Insert a Flatten layer '{name}' before '{property.Identifier.ValueText}'",
                _ => Task.FromResult(document.WithText(text.WithChanges(change))),
                Key), diagnostic);
        }
    }
}
