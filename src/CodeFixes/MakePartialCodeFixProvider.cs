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
/// AXN0001: adds <c>partial</c> to the model class. AXN0009: adds <c>partial</c> to every containing
/// type declaration that lacks it. The keyword goes after the other modifiers, right before
/// <c>class</c>, and takes over that keyword's leading trivia.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0001 fix.</summary>
    public const string ModelKey = "AXN0001.AddPartial";

    /// <summary>Equivalence key of the AXN0009 fix.</summary>
    public const string ContainingTypesKey = "AXN0009.AddPartialToContainingTypes";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ModelNotPartial.Id, DiagnosticDescriptors.ContainingTypeNotPartial.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (CodeFixSyntax.TypeNamedAt(root, diagnostic.Location.SourceSpan) is not { } model) continue;
            var document = context.Document;
            if (diagnostic.Id == DiagnosticDescriptors.ModelNotPartial.Id)
            {
                if (model.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                context.RegisterCodeFix(CodeAction.Create(
                    $"Make '{model.Identifier.ValueText}' partial",
                    _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(model, CodeFixSyntax.AddPartial(model)))),
                    ModelKey), diagnostic);
            }
            else if (diagnostic.Id == DiagnosticDescriptors.ContainingTypeNotPartial.Id)
            {
                var containers = model.Ancestors().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
                if (containers.Count == 0) continue;
                string names = string.Join(", ", containers.AsEnumerable().Reverse().Select(t => $"'{t.Identifier.ValueText}'"));
                context.RegisterCodeFix(CodeAction.Create(
                    $"Make {names} partial",
                    _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(containers, (_, rewritten) => CodeFixSyntax.AddPartial(rewritten)))),
                    ContainingTypesKey), diagnostic);
            }
        }
    }
}
