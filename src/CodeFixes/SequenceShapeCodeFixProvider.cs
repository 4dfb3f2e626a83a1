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
/// AXN0140: a sequence where features or an image are expected, or the reverse. The generator tries each fix on the
/// model and hands over, in <see cref="FixProperties"/>, the ones that remove the error and bring no other:
/// <list type="bullet">
/// <item><b>Use the twin kind</b> (<see cref="FixProperties.Twin"/>): the attribute's name changes, its arguments stay,
/// with its qualification (<c>Conv2D</c> → <c>Conv1D</c>, <c>Axon.Conv2DAttribute</c> → <c>Axon.Conv1DAttribute</c>):
/// Conv2D, MaxPool2D, AvgPool2D, GlobalAveragePool and BatchNorm fed a sequence become Conv1D, MaxPool1D, AvgPool1D,
/// GlobalAveragePool1D and LayerNorm; GlobalAveragePool1D fed an image becomes GlobalAveragePool. Offered only when the
/// twin's attribute takes every argument written (a BatchNorm with <c>Momentum</c> does not become a LayerNorm).</item>
/// <item><b>Insert Flatten</b> or <b>GlobalAveragePool1D</b> before the layer (<see cref="FixProperties.Insert"/>): a new
/// member as <see cref="LayerInsertion"/> writes it; not when the member before is already of that kind.</item>
/// <item><b>Set ReturnSequences = false</b> on the Lstm or Gru whose sequence it is (<see cref="FixProperties.LastStep"/>):
/// the <c>ReturnSequences = true</c> argument is removed, false being the default.</item>
/// </list>
/// Nothing is offered for features or an image fed to a sequence layer: the steps and features per step are not the
/// generator's to guess.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SequenceShapeCodeFixProvider)), Shared]
public sealed class SequenceShapeCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of "Use Conv1D for the sequence …" and the other twins.</summary>
    public const string TwinKey = "AXN0140.UseTwin";

    /// <summary>Equivalence key of "Insert Flatten before …".</summary>
    public const string InsertFlattenKey = "AXN0140.InsertFlatten";

    /// <summary>Equivalence key of "Insert GlobalAveragePool1D before …".</summary>
    public const string InsertPoolKey = "AXN0140.InsertGlobalAveragePool1D";

    /// <summary>Equivalence key of "Set ReturnSequences = false on …".</summary>
    public const string LastStepKey = "AXN0140.ReturnLastStep";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.SequenceShapeMismatch.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            var properties = diagnostic.Properties;
            var span = diagnostic.Location.SourceSpan;
            if (!properties.TryGetValue(FixProperties.Member, out var member) || member is null
                || !properties.TryGetValue(FixProperties.Received, out var received) || received is null
                || !root.FullSpan.Contains(span)
                || root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
                || model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
                continue;

            if (properties.TryGetValue(FixProperties.Twin, out var twin) && twin is not null
                && TwinRename(type, member, twin, model.Compilation, cancellationToken) is { } rename
                && solution.GetDocument(rename.Name.SyntaxTree) is { } twinDocument)
            {
                context.RegisterCodeFix(CodeAction.Create(
                    $"Use {twin} for the {Family(received)} {received}",
                    ct => Replace(twinDocument, rename.Name, rename.Replacement, ct),
                    TwinKey), diagnostic);
            }

            if (properties.TryGetValue(FixProperties.Insert, out var insert) && insert is not null)
            {
                foreach (string kind in insert.Split(','))
                {
                    if (kind is not ("Flatten" or "GlobalAveragePool1D")
                        || Insertion(type, member, kind, model.Compilation, cancellationToken) is not { } insertion
                        || solution.GetDocument(insertion.Tree) is not { } insertDocument)
                        continue;
                    context.RegisterCodeFix(CodeAction.Create(
                        $"Insert {kind} before '{member}'",
                        async ct =>
                        {
                            var text = await insertDocument.GetTextAsync(ct).ConfigureAwait(false);
                            return insertDocument.WithText(text.WithChanges(insertion.Change)).Project.Solution;
                        },
                        kind == "Flatten" ? InsertFlattenKey : InsertPoolKey), diagnostic);
                }
            }

            if (properties.TryGetValue(FixProperties.LastStep, out var rnn) && rnn is not null
                && ReturnSequences(type, rnn, model.Compilation, cancellationToken) is { } returnSequences
                && solution.GetDocument(returnSequences.Attribute.SyntaxTree) is { } rnnDocument)
            {
                context.RegisterCodeFix(CodeAction.Create(
                    $"Set ReturnSequences = false on '{rnn}'",
                    ct => Replace(rnnDocument, returnSequences.Attribute, CodeFixSyntax.WithoutArgument(returnSequences.Attribute, returnSequences.Argument), ct),
                    LastStepKey), diagnostic);
            }
        }
    }

    /// <summary>What a shape as the generator writes it is: <c>[30, 4]</c> a sequence, <c>[8, 5, 5]</c> an image, <c>[120]</c> features.</summary>
    private static string Family(string shape) => shape.Count(c => c == ',') switch
    {
        0 => "features",
        1 => "sequence",
        _ => "image",
    };

    private static async Task<Solution> Replace(Document document, SyntaxNode node, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(node, replacement)).Project.Solution;
    }

    /// <summary>
    /// The one Axon attribute on <paramref name="type"/>'s layer member <paramref name="member"/>, its class and its
    /// property declaration; null unless the member is one property with exactly one Axon attribute.
    /// </summary>
    private static (AttributeSyntax Attribute, INamedTypeSymbol Class, PropertyDeclarationSyntax Property)? LayerAttribute(
        INamedTypeSymbol type, string member, CancellationToken cancellationToken)
    {
        if (type.GetMembers(member).OfType<IPropertySymbol>().SingleOrDefault() is not { } property) return null;
        var attributes = property.GetAttributes().Where(a => a.AttributeClass is { } c && CodeFixSyntax.IsAxon(c, c.Name)).ToList();
        if (attributes.Count != 1
            || attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute
            || attribute.Parent?.Parent is not PropertyDeclarationSyntax declaration)
            return null;
        return (attribute, attributes[0].AttributeClass!, declaration);
    }

    /// <summary>
    /// The attribute name of <paramref name="member"/> and the twin's name spelled the same way; null when the twin's
    /// attribute would not take the arguments written: a constructor of the same parameters (names and types) and a
    /// settable property of the same type for every <c>Name = value</c>.
    /// </summary>
    private static (NameSyntax Name, NameSyntax Replacement)? TwinRename(INamedTypeSymbol type, string member, string twin, Compilation compilation, CancellationToken cancellationToken)
    {
        if (LayerAttribute(type, member, cancellationToken) is not { } layer
            || compilation.GetTypeByMetadataName("Axon." + twin + "Attribute") is not { } twinClass)
            return null;
        var model = compilation.GetSemanticModel(layer.Attribute.SyntaxTree);
        if (model.GetSymbolInfo(layer.Attribute, cancellationToken).Symbol is not IMethodSymbol constructor
            || !twinClass.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && SameParameters(c, constructor)))
            return null;
        foreach (var argument in layer.Attribute.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals is not { } nameEquals) continue;
            string name = nameEquals.Name.Identifier.ValueText;
            var written = layer.Class.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault();
            var taken = twinClass.GetMembers(name).OfType<IPropertySymbol>()
                .FirstOrDefault(p => p.SetMethod is { DeclaredAccessibility: Accessibility.Public } && p.DeclaredAccessibility == Accessibility.Public);
            if (written is null || taken is null || !SymbolEqualityComparer.Default.Equals(written.Type, taken.Type)) return null;
        }
        string text = CodeFixSyntax.AttributeNameLike(layer.Attribute.Name, layer.Class.Name, twin);
        return (layer.Attribute.Name, SyntaxFactory.ParseName(text).WithTriviaFrom(layer.Attribute.Name));
    }

    private static bool SameParameters(IMethodSymbol a, IMethodSymbol b) =>
        a.Parameters.Length == b.Parameters.Length
        && a.Parameters.Zip(b.Parameters, (x, y) => x.Name == y.Name && x.IsParams == y.IsParams && SymbolEqualityComparer.Default.Equals(x.Type, y.Type)).All(same => same);

    /// <summary>
    /// The new <paramref name="kind"/> member before <paramref name="member"/>, in the tree that declares it; null when
    /// the member before it is already of that kind.
    /// </summary>
    private static (SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextChange Change)? Insertion(
        INamedTypeSymbol type, string member, string kind, Compilation compilation, CancellationToken cancellationToken)
    {
        if (LayerAttribute(type, member, cancellationToken) is not { } layer
            || layer.Property.Parent is not TypeDeclarationSyntax declaration)
            return null;
        var tree = layer.Property.SyntaxTree;
        if (LayerInsertion.HasLayer(LayerInsertion.Previous(declaration, layer.Property), compilation.GetSemanticModel(tree), kind + "Attribute")) return null;
        string name = LayerInsertion.FreshName(type, kind);
        string text = LayerInsertion.Member(CodeFixSyntax.AttributeNameLike(layer.Attribute.Name, layer.Class.Name, kind), layer.Property, name);
        return (tree, LayerInsertion.Insertion(tree.GetText(cancellationToken), layer.Property, text));
    }

    /// <summary>The Lstm or Gru attribute of <paramref name="member"/> and its <c>ReturnSequences = true</c> argument, or null.</summary>
    private static (AttributeSyntax Attribute, AttributeArgumentSyntax Argument)? ReturnSequences(
        INamedTypeSymbol type, string member, Compilation compilation, CancellationToken cancellationToken)
    {
        if (LayerAttribute(type, member, cancellationToken) is not { } layer
            || layer.Class.Name is not ("LstmAttribute" or "GruAttribute")
            || CodeFixSyntax.NamedArgument(layer.Attribute, "ReturnSequences") is not { } argument
            || CodeFixSyntax.ConstantOf(argument, compilation.GetSemanticModel(argument.SyntaxTree), cancellationToken) is not true)
            return null;
        return (layer.Attribute, argument);
    }
}
