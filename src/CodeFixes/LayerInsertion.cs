using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Axon.CodeFixes;

/// <summary>
/// Inserting a layer member right before another, as the fixes that add a layer do (AXN0205's Flatten, AXN0140's Flatten
/// or GlobalAveragePool1D): <c>[Flatten] public partial Layer Flatten { get; }</c> on its own line with the member's
/// indentation (or before it on the same line, in a one-line class), above the member's comments. The name is the first
/// of <c>Kind</c>, <c>Kind2</c>, … that no member of the class or its bases uses, in any casing (tensor names are
/// lower-case); the access modifiers, the <c>Layer</c> type and the attribute's qualification follow the member's.
/// </summary>
internal static class LayerInsertion
{
    /// <summary>The member declared right before <paramref name="member"/> in <paramref name="declaration"/>, or null.</summary>
    public static MemberDeclarationSyntax? Previous(TypeDeclarationSyntax declaration, MemberDeclarationSyntax member)
    {
        int index = declaration.Members.IndexOf(member);
        return index > 0 ? declaration.Members[index - 1] : null;
    }

    /// <summary>Whether <paramref name="member"/> is a property with the Axon attribute <paramref name="attributeName"/> (e.g. <c>FlattenAttribute</c>).</summary>
    public static bool HasLayer(MemberDeclarationSyntax? member, SemanticModel model, string attributeName) =>
        member is PropertyDeclarationSyntax property
        && property.AttributeLists.SelectMany(l => l.Attributes)
            .Any(a => model.GetSymbolInfo(a).Symbol is IMethodSymbol constructor && CodeFixSyntax.IsAxon(constructor.ContainingType, attributeName));

    /// <summary><paramref name="name"/>, <paramref name="name"/>2, …: the first that no member of the type or its bases has, ignoring case.</summary>
    public static string FreshName(INamedTypeSymbol type, string name)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { type.Name };
        for (var t = type; t is not null; t = t.BaseType)
            used.UnionWith(t.MemberNames);
        string fresh = name;
        for (int i = 2; used.Contains(fresh); i++) fresh = name + i;
        return fresh;
    }

    /// <summary>
    /// The new member's text, <c>[{attribute}] {modifiers}partial {type} {name} {{ get; }}</c>, with the access modifiers
    /// and the property type of <paramref name="before"/>.
    /// </summary>
    public static string Member(string attribute, PropertyDeclarationSyntax before, string name) =>
        $"[{attribute}] {Modifiers(before)}partial {before.Type.WithoutTrivia()} {name} {{ get; }}";

    /// <summary>The member's access modifiers, each followed by a space.</summary>
    private static string Modifiers(PropertyDeclarationSyntax property) =>
        string.Concat(property.Modifiers
            .Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.PrivateKeyword))
            .Select(m => m.ValueText + " "));

    /// <summary>
    /// Where and what to insert: when <paramref name="property"/> starts its line, a line of its own with the same
    /// indentation, above the member's comments and below any blank line; otherwise the member and a space.
    /// </summary>
    public static TextChange Insertion(SourceText text, PropertyDeclarationSyntax property, string member)
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
