using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
/// Sets a layer's size to the one Axon inferred it must have, when the generator knows it and has
/// checked that the change removes the error and brings no other (it hands over the member, the
/// parameter, the value and the reason in <see cref="FixProperties"/>):
/// <list type="bullet">
/// <item>AXN0208: a merge operand of the wrong size that comes from a Dense (units), a Conv2D
/// (filters) or an Embedding (dimension): <c>[Dense(6)] B</c> read by <c>[Add(nameof(A), nameof(B))]</c>
/// with A of <c>[8]</c> → <c>[Dense(8)] B</c>.</item>
/// <item>AXN0403: a transferred layer of the pretrained layer's kind and input whose size alone differs,
/// other than the output layer: <c>[Dense(64)] Hidden</c> from a pretrained <c>[Dense(128)] Hidden</c>
/// → <c>[Dense(128)] Hidden</c>.</item>
/// </list>
/// The size argument is replaced by a literal, wherever the member is declared (it may be another file
/// of the partial class); a <c>units:</c> name stays.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetSizeCodeFixProvider)), Shared]
public sealed class SetSizeCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the AXN0208 fix.</summary>
    public const string OperandKey = "AXN0208.SetOperandSize";

    /// <summary>Equivalence key of the AXN0403 fix.</summary>
    public const string TransferKey = "AXN0403.SetPretrainedSize";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.OperandShapeMismatch.Id, DiagnosticDescriptors.TransferShapeMismatch.Id);

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
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(FixProperties.Member, out var member) || member is null
                || !properties.TryGetValue(FixProperties.Parameter, out var parameter) || parameter is null
                || !properties.TryGetValue(FixProperties.Value, out var valueText)
                || !int.TryParse(valueText, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0
                || !properties.TryGetValue(FixProperties.Reason, out var reason)
                || CodeFixSyntax.ArgumentAt(root, diagnostic.Location.SourceSpan) is not { } marked
                || marked.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
                || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } type
                || SizeArgument(type, member, parameter, model.Compilation, cancellationToken) is not { } size
                || context.Document.Project.Solution.GetDocument(size.SyntaxTree) is not { } document)
                continue;

            bool transfer = diagnostic.Id == DiagnosticDescriptors.TransferShapeMismatch.Id;
            context.RegisterCodeFix(CodeAction.Create(
                $"Set {parameter} of '{member}' to {value.ToString(CultureInfo.InvariantCulture)} ({reason})",
                async ct =>
                {
                    var sizeRoot = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                    var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value)).WithTriviaFrom(size.Expression);
                    return document.WithSyntaxRoot(sizeRoot!.ReplaceNode(size.Expression, literal)).Project.Solution;
                },
                transfer ? TransferKey : OperandKey), diagnostic);
        }
    }

    /// <summary>
    /// The argument bound to <paramref name="parameter"/> of the Axon layer attribute on <paramref name="type"/>'s
    /// member <paramref name="member"/>; null unless that member is one property with one such attribute and the argument is an int constant.
    /// </summary>
    private static AttributeArgumentSyntax? SizeArgument(INamedTypeSymbol type, string member, string parameter, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type.GetMembers(member).OfType<IPropertySymbol>().SingleOrDefault() is not { } property) return null;
        var attributes = property.GetAttributes()
            .Where(a => CodeFixSyntax.IsAxon(a.AttributeClass, a.AttributeClass?.Name ?? "") && a.AttributeConstructor?.Parameters.Any(p => p.Name == parameter) == true)
            .ToList();
        if (attributes.Count != 1 || attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute) return null;
        var model = compilation.GetSemanticModel(attribute.SyntaxTree);
        return CodeFixSyntax.ArgumentFor(attribute, parameter, model, null, cancellationToken) is { } argument
            && CodeFixSyntax.ConstantOf(argument, model, cancellationToken) is int
            ? argument
            : null;
    }
}
