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
/// AXN0109: a layer reads a member name that does not exist, and one declared before it is within a couple of
/// letters (the generator's <see cref="FixProperties.Suggestion"/>): <c>[Dense(1, From = "Hiden")]</c> →
/// <c>[Dense(1, From = nameof(Hidden))]</c>. <c>nameof</c> rather than the corrected string, so a later rename
/// of the member carries the reference along. Only members declared before the reader are suggested, so the fix
/// never turns the error into a forward reference (AXN0110).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedMemberCodeFixProvider)), Shared]
public sealed class UseSuggestedMemberCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0109 fix.</summary>
    public const string Key = "AXN0109.UseSuggestedMember";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownLayerReference.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Suggestion, out var name) || string.IsNullOrEmpty(name)
                || !SyntaxFacts.IsValidIdentifier(name)
                || CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } argument)
                continue;
            var replacement = argument.WithExpression(
                SyntaxFactory.InvocationExpression(SyntaxFactory.IdentifierName("nameof"),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name!))))))
                .WithTriviaFrom(argument);
            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(
                $"Read '{name}' (nameof({name}))",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(argument, replacement))),
                Key), diagnostic);
        }
    }
}
