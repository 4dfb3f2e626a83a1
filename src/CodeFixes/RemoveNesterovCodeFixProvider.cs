using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0303: Nesterov momentum with no momentum is plain SGD (<c>w ← w − η·(g + 0·v)</c>), so
/// <c>Nesterov = true</c> can go without changing what trains: <c>[Sgd(Nesterov = true)]</c> →
/// <c>[Sgd]</c>. Offered only when Momentum is absent or 0; a negative or NaN momentum is its own
/// error (AXN0302), and no momentum value is guessed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveNesterovCodeFixProvider)), Shared]
public sealed class RemoveNesterovCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0303 fix.</summary>
    public const string Key = "AXN0303.RemoveNesterov";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NesterovWithoutMomentum.Id);

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
            if (CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { NameEquals.Name.Identifier.ValueText: "Nesterov" } nesterov
                || CodeFixSyntax.AttributeOf(nesterov) is not { } sgd
                || CodeFixSyntax.AxonConstructor(sgd, model, "SgdAttribute", cancellationToken) is null
                || CodeFixSyntax.ConstantOf(nesterov, model, cancellationToken) is not true)
                continue;
            if (CodeFixSyntax.NamedArgument(sgd, "Momentum") is { } momentum
                && CodeFixSyntax.ConstantOf(momentum, model, cancellationToken) is not (0f or 0d or 0))
                continue;

            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(
                "Remove Nesterov: without Momentum it is plain SGD",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(sgd, CodeFixSyntax.WithoutArgument(sgd, nesterov)))),
                Key), diagnostic);
        }
    }
}
