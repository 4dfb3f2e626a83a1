using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0203 and AXN0204: the output layer's size and the loss disagree, and either may be the mistake,
/// so two fixes are offered. AXN0203 (binary cross-entropy, several units): set the units to 1, or use
/// <c>Loss.SoftmaxCrossEntropy</c>. AXN0204 (softmax cross-entropy, one unit): use
/// <c>Loss.BinaryCrossEntropy</c>, or set the units to 2. The loss is changed only where
/// <c>[Model(Loss = Loss.X)]</c> names it, and not when the output layer's Sigmoid or Softmax
/// activation belongs to the old loss.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputUnitsCodeFixProvider)), Shared]
public sealed class OutputUnitsCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of AXN0203's "set units to 1".</summary>
    public const string OneUnitKey = "AXN0203.SetUnitsTo1";

    /// <summary>Equivalence key of AXN0203's "use softmax cross-entropy".</summary>
    public const string SoftmaxLossKey = "AXN0203.UseSoftmaxCrossEntropy";

    /// <summary>Equivalence key of AXN0204's "use binary cross-entropy".</summary>
    public const string BinaryLossKey = "AXN0204.UseBinaryCrossEntropy";

    /// <summary>Equivalence key of AXN0204's "set units to 2".</summary>
    public const string TwoUnitsKey = "AXN0204.SetUnitsTo2";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BinaryCrossEntropyUnits.Id, DiagnosticDescriptors.SoftmaxCrossEntropyUnits.Id);

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
            if (CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } units
                || CodeFixSyntax.ParameterOf(units, model, "DenseAttribute", cancellationToken) is not { Name: "units" }
                || CodeFixSyntax.ConstantOf(units, model, cancellationToken) is not int count)
                continue;

            bool binary = diagnostic.Id == DiagnosticDescriptors.BinaryCrossEntropyUnits.Id;
            if (binary ? count <= 1 : count != 1) continue;
            var document = context.Document;
            int newCount = binary ? 1 : 2;
            var setUnits = CodeAction.Create(
                binary ? "Set units to 1: BinaryCrossEntropy expects one output" : "Set units to 2: one per class, as SoftmaxCrossEntropy expects",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(units.Expression, SyntaxFactory.LiteralExpression(
                    SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(newCount)).WithTriviaFrom(units.Expression)))),
                binary ? OneUnitKey : TwoUnitsKey);

            var (from, to) = binary ? ("BinaryCrossEntropy", "SoftmaxCrossEntropy") : ("SoftmaxCrossEntropy", "BinaryCrossEntropy");
            var loss = CanSwitchLoss(units, model, cancellationToken) ? FindLoss(units, model, from, to, cancellationToken) : null;
            CodeAction? useLoss = null;
            if (loss is { } found && context.Document.Project.Solution.GetDocument(found.Argument.SyntaxTree) is { } lossDocument)
            {
                useLoss = CodeAction.Create(
                    binary ? "Use Loss.SoftmaxCrossEntropy: one class per unit" : "Use Loss.BinaryCrossEntropy: a yes/no output",
                    async ct =>
                    {
                        var lossRoot = await lossDocument.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                        return lossDocument.WithSyntaxRoot(lossRoot!.ReplaceNode(found.Argument.Expression, found.Replacement)).Project.Solution;
                    },
                    binary ? SoftmaxLossKey : BinaryLossKey);
            }

            // The catalogue's own advice first: AXN0204's message says to use binary cross-entropy.
            if (!binary && useLoss is not null) context.RegisterCodeFix(useLoss, diagnostic);
            context.RegisterCodeFix(setUnits, diagnostic);
            if (binary && useLoss is not null) context.RegisterCodeFix(useLoss, diagnostic);
        }
    }

    /// <summary>
    /// Whether the output layer's activation leaves the loss free to change: a Sigmoid or Softmax output
    /// belongs to a loss, and switching would trade this diagnostic for AXN0201 or a sigmoid fed to softmax.
    /// </summary>
    private static bool CanSwitchLoss(AttributeArgumentSyntax units, SemanticModel model, CancellationToken cancellationToken)
    {
        var attribute = CodeFixSyntax.AttributeOf(units)!;
        if (CodeFixSyntax.ArgumentFor(attribute, "activation", model, "DenseAttribute", cancellationToken) is not { } activation) return true;
        var type = CodeFixSyntax.ParameterOf(activation, model, "DenseAttribute", cancellationToken)!.Type;
        return CodeFixSyntax.EnumMemberName(type, CodeFixSyntax.ConstantOf(activation, model, cancellationToken)) is not (null or "Sigmoid" or "Softmax");
    }

    /// <summary>The model's <c>Loss = Loss.<paramref name="from"/></c> argument, wherever the class declares it, and its replacement.</summary>
    private static (AttributeArgumentSyntax Argument, ExpressionSyntax Replacement)? FindLoss(AttributeArgumentSyntax units, SemanticModel model, string from, string to, CancellationToken cancellationToken)
    {
        if (CodeFixSyntax.AttributeOf(units)?.Parent?.Parent is not PropertyDeclarationSyntax property
            || model.GetDeclaredSymbol(property, cancellationToken)?.ContainingType is not { } type)
            return null;
        var modelAttribute = type.GetAttributes().FirstOrDefault(a => CodeFixSyntax.IsAxon(a.AttributeClass, "ModelAttribute"));
        if (modelAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax
            || CodeFixSyntax.NamedArgument(syntax, "Loss") is not { } loss
            || CodeFixSyntax.WithMemberName(loss.Expression, from, to) is not { } replacement)
            return null;
        return (loss, replacement);
    }
}
