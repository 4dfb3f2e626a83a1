using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0102, for the two slips whose intent is plain: a layer property without <c>partial</c>, and one
/// with an accessor besides <c>get</c>. <c>[Dense(1)] public Layer O { get; set; }</c> →
/// <c>[Dense(1)] public partial Layer O { get; }</c>. Not offered when the member is static, is not of
/// type <c>Layer</c>, has an accessor body or expression body (that is code the user wrote, not a
/// slip), has no <c>get</c>, or has another declaration part.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LayerPropertyCodeFixProvider)), Shared]
public sealed class LayerPropertyCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0102 fix.</summary>
    public const string Key = "AXN0102.DeclareLayerProperty";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsupportedLayerMember.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (CodeFixSyntax.PropertyNamedAt(root, diagnostic.Location.SourceSpan) is not { } property
                || model.GetDeclaredSymbol(property, cancellationToken) is not { IsStatic: false } symbol
                || symbol.DeclaringSyntaxReferences.Length != 1
                || !CodeFixSyntax.IsAxon(symbol.Type, "Layer")
                || !property.AttributeLists.SelectMany(l => l.Attributes).Any(a => CodeFixSyntax.AxonConstructor(a, model, "DenseAttribute", cancellationToken) is not null)
                || property.ExpressionBody is not null
                || property.Initializer is not null
                || property.AccessorList is not { } accessors
                || accessors.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null)
                || accessors.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration)) is not { } get)
                continue;
            bool partial = property.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (partial && accessors.Accessors.Count == 1) continue;

            var fixedProperty = property.WithAccessorList(accessors.WithAccessors(SyntaxFactory.List(new[] { get })));
            if (!partial)
            {
                var (modifiers, typeToken) = CodeFixSyntax.AddPartial(fixedProperty.Modifiers, fixedProperty.Type.GetFirstToken());
                fixedProperty = fixedProperty.ReplaceToken(fixedProperty.Type.GetFirstToken(), typeToken).WithModifiers(modifiers);
            }
            var document = context.Document;
            string name = property.Identifier.ValueText;
            context.RegisterCodeFix(CodeAction.Create(
                $"Declare '{name}' as 'partial {property.Type.WithoutTrivia()} {name} {{ get; }}'",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(property, fixedProperty))),
                Key), diagnostic);
        }
    }
}
