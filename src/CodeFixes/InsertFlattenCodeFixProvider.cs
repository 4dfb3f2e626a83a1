using System;
using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Text;

namespace Axon.CodeFixes;

/// <summary>
/// AXN0205: a Dense layer reads a <c>[C, H, W]</c> tensor, so a Flatten layer goes right before it:
/// <c>[Flatten] public partial Layer Flatten { get; }</c> on its own line with the Dense member's
/// indentation (or before it on the same line, in a one-line class), above the Dense member's
/// comments. The name is the first of Flatten, Flatten2, … that no member of the class or its bases
/// uses, in any casing (tensor names are lower-case). The access modifiers, the <c>Layer</c> type and
/// the attribute's qualification follow the Dense member's. Not offered when the member before is
/// already a Flatten layer.
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
                || IsFlatten(Previous(declaration, property), model))
                continue;

            string name = FreshName(type);
            string member = $"[{FlattenAttributeName(dense.Name)}] {Modifiers(property)}partial {property.Type.WithoutTrivia()} {name} {{ get; }}";
            var change = Insertion(text, property, member);
            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(
                $"Insert a Flatten layer '{name}' before '{property.Identifier.ValueText}'",
                _ => Task.FromResult(document.WithText(text.WithChanges(change))),
                Key), diagnostic);
        }
    }

    private static MemberDeclarationSyntax? Previous(TypeDeclarationSyntax declaration, MemberDeclarationSyntax member)
    {
        int index = declaration.Members.IndexOf(member);
        return index > 0 ? declaration.Members[index - 1] : null;
    }

    private static bool IsFlatten(MemberDeclarationSyntax? member, SemanticModel model) =>
        member is PropertyDeclarationSyntax property
        && property.AttributeLists.SelectMany(l => l.Attributes)
            .Any(a => model.GetSymbolInfo(a).Symbol is IMethodSymbol constructor && CodeFixSyntax.IsAxon(constructor.ContainingType, "FlattenAttribute"));

    /// <summary>Flatten, Flatten2, Flatten3, …: the first that no member of the type or its bases has, ignoring case.</summary>
    private static string FreshName(INamedTypeSymbol type)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { type.Name };
        for (var t = type; t is not null; t = t.BaseType)
            used.UnionWith(t.MemberNames);
        string name = "Flatten";
        for (int i = 2; used.Contains(name); i++) name = "Flatten" + i;
        return name;
    }

    /// <summary>The Dense attribute's spelling, with Flatten for Dense: <c>Dense</c>, <c>Axon.DenseAttribute</c>, …</summary>
    private static string FlattenAttributeName(NameSyntax dense)
    {
        string text = dense.WithoutTrivia().ToString();
        string rightmost = dense is QualifiedNameSyntax q ? q.Right.Identifier.ValueText : dense is AliasQualifiedNameSyntax a ? a.Name.Identifier.ValueText : dense is SimpleNameSyntax s ? s.Identifier.ValueText : "";
        return rightmost switch
        {
            "Dense" => text.Substring(0, text.Length - "Dense".Length) + "Flatten",
            "DenseAttribute" => text.Substring(0, text.Length - "DenseAttribute".Length) + "FlattenAttribute",
            _ => "global::Axon.Flatten",   // an alias: spell it out
        };
    }

    /// <summary>The Dense member's access modifiers, each followed by a space.</summary>
    private static string Modifiers(PropertyDeclarationSyntax property) =>
        string.Concat(property.Modifiers
            .Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.PrivateKeyword))
            .Select(m => m.ValueText + " "));

    /// <summary>
    /// Where and what to insert: when the Dense member starts its line, a line of its own with the same
    /// indentation, above the member's comments and below any blank line; otherwise the member and a space.
    /// </summary>
    private static TextChange Insertion(SourceText text, PropertyDeclarationSyntax property, string member)
    {
        int start = property.SpanStart;
        var line = text.Lines.GetLineFromPosition(start);
        string indentation = text.ToString(TextSpan.FromBounds(line.Start, start));
        if (indentation.Any(c => !char.IsWhiteSpace(c)) || line.LineNumber == 0)
            return new TextChange(new TextSpan(property.FullSpan.Start, 0), member + " ");

        var previous = text.Lines[line.LineNumber - 1];
        string newLine = text.ToString(TextSpan.FromBounds(previous.End, previous.EndIncludingLineBreak));
        int position = property.FullSpan.Start;
        foreach (var trivia in property.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia)) position = trivia.FullSpan.End;
            else if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia)) break;
        }
        return new TextChange(new TextSpan(position, 0), indentation + member + newLine);
    }
}
