using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0201 and AXN0202: the loss applies softmax (sigmoid) itself, so the output layer's activation
/// argument goes: <c>[Dense(10, Activation.Softmax)]</c> → <c>[Dense(10)]</c>, also when written
/// <c>activation: Activation.Softmax</c>. Offered only when the marked argument is a layer's
/// <c>activation</c> and holds exactly that activation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveActivationCodeFixProvider)), Shared]
public sealed class RemoveActivationCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0201 fix.</summary>
    public const string SoftmaxKey = "AXN0201.RemoveSoftmax";

    /// <summary>Equivalence key of the AXN0202 fix.</summary>
    public const string SigmoidKey = "AXN0202.RemoveSigmoid";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DoubleSoftmax.Id, DiagnosticDescriptors.DoubleSigmoid.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            bool softmax = diagnostic.Id == DiagnosticDescriptors.DoubleSoftmax.Id;
            if (CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } argument
                || CodeFixSyntax.AttributeOf(argument) is not { } attribute
                || CodeFixSyntax.ParameterOf(argument, model, null, context.CancellationToken) is not { Name: "activation" } parameter
                || !CodeFixSyntax.IsAxon(parameter.Type, "Activation")
                || CodeFixSyntax.EnumMemberName(parameter.Type, CodeFixSyntax.ConstantOf(argument, model, context.CancellationToken)) != (softmax ? "Softmax" : "Sigmoid"))
                continue;

            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(
                softmax ? "Remove Softmax: SoftmaxCrossEntropy applies it" : "Remove Sigmoid: BinaryCrossEntropy applies it",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(attribute, CodeFixSyntax.WithoutArgument(attribute, argument)))),
                softmax ? SoftmaxKey : SigmoidKey), diagnostic);
        }
    }
}
