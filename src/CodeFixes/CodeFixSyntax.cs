using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Axon.CodeFixes;

/// <summary>
/// What the fixes share: finding the syntax a diagnostic points at, telling which Axon attribute
/// parameter an argument binds to, and adding <c>partial</c> the way a person would.
/// Every lookup returns <see langword="null"/> rather than guess, so a fix is offered only when
/// the code is exactly in the shape the fix was written for.
/// </summary>
internal static class CodeFixSyntax
{
    /// <summary>The attribute argument whose span is exactly <paramref name="span"/>, as the generator reports argument diagnostics.</summary>
    public static AttributeArgumentSyntax? ArgumentAt(SyntaxNode root, TextSpan span)
    {
        if (!root.FullSpan.Contains(span)) return null;
        var argument = root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();
        return argument is not null && argument.Span == span ? argument : null;
    }

    /// <summary>The type declaration whose name is exactly at <paramref name="span"/>.</summary>
    public static TypeDeclarationSyntax? TypeNamedAt(SyntaxNode root, TextSpan span)
    {
        if (!root.FullSpan.Contains(span)) return null;
        var token = root.FindToken(span.Start);
        return token.Span == span && token.Parent is TypeDeclarationSyntax type && type.Identifier == token ? type : null;
    }

    /// <summary>The property declaration whose name is exactly at <paramref name="span"/>.</summary>
    public static PropertyDeclarationSyntax? PropertyNamedAt(SyntaxNode root, TextSpan span)
    {
        if (!root.FullSpan.Contains(span)) return null;
        var token = root.FindToken(span.Start);
        return token.Span == span && token.Parent is PropertyDeclarationSyntax property && property.Identifier == token ? property : null;
    }

    /// <summary>The attribute an argument belongs to.</summary>
    public static AttributeSyntax? AttributeOf(AttributeArgumentSyntax argument) =>
        argument.Parent is AttributeArgumentListSyntax { Parent: AttributeSyntax attribute } ? attribute : null;

    /// <summary>Whether <paramref name="type"/> is <c>Axon.<paramref name="name"/></c>.</summary>
    public static bool IsAxon(ITypeSymbol? type, string name) =>
        type is { ContainingNamespace: { Name: "Axon", ContainingNamespace.IsGlobalNamespace: true } } && type.Name == name;

    /// <summary>
    /// The constructor of the Axon attribute <paramref name="attributeName"/> (any Axon attribute when
    /// <see langword="null"/>) that <paramref name="attribute"/> binds to.
    /// </summary>
    public static IMethodSymbol? AxonConstructor(AttributeSyntax attribute, SemanticModel model, string? attributeName, CancellationToken cancellationToken) =>
        model.GetSymbolInfo(attribute, cancellationToken).Symbol is IMethodSymbol constructor
            && IsAxon(constructor.ContainingType, attributeName ?? constructor.ContainingType.Name)
            ? constructor
            : null;

    /// <summary>The name of the member of enum <paramref name="type"/> whose value is <paramref name="value"/>.</summary>
    public static string? EnumMemberName(ITypeSymbol type, object? value) =>
        value is null ? null : type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value))?.Name;

    /// <summary>
    /// The constructor parameter a positional or <c>name:</c> argument of an Axon attribute (see
    /// <see cref="AxonConstructor"/>) binds to;
    /// <see langword="null"/> for a <c>Property = value</c> argument or one that does not bind.
    /// </summary>
    public static IParameterSymbol? ParameterOf(AttributeArgumentSyntax argument, SemanticModel model, string? attributeName, CancellationToken cancellationToken)
    {
        if (argument.NameEquals is not null || AttributeOf(argument) is not { } attribute) return null;
        if (AxonConstructor(attribute, model, attributeName, cancellationToken) is not { } constructor) return null;
        if (argument.NameColon is { } nameColon)
            return constructor.Parameters.FirstOrDefault(p => p.Name == nameColon.Name.Identifier.ValueText);
        int index = 0;
        foreach (var other in attribute.ArgumentList!.Arguments)
        {
            if (other == argument) break;
            if (other.NameEquals is null) index++;
        }
        return index < constructor.Parameters.Length && !constructor.Parameters[index].IsParams ? constructor.Parameters[index] : null;
    }

    /// <summary>The argument of <paramref name="attribute"/> bound to the constructor parameter <paramref name="parameterName"/>.</summary>
    public static AttributeArgumentSyntax? ArgumentFor(AttributeSyntax attribute, string parameterName, SemanticModel model, string? attributeName, CancellationToken cancellationToken) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => ParameterOf(a, model, attributeName, cancellationToken)?.Name == parameterName);

    /// <summary>The <c>Name = value</c> argument of <paramref name="attribute"/>.</summary>
    public static AttributeArgumentSyntax? NamedArgument(AttributeSyntax attribute, string name) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

    /// <summary>The compile-time value of an argument, if it has one.</summary>
    public static object? ConstantOf(AttributeArgumentSyntax argument, SemanticModel model, CancellationToken cancellationToken)
    {
        var constant = model.GetConstantValue(argument.Expression, cancellationToken);
        return constant.HasValue ? constant.Value : null;
    }

    /// <summary>
    /// <paramref name="attribute"/> without <paramref name="argument"/>, dropping the comma next to it
    /// (and the argument list, if it is left empty): <c>[Dense(10, Activation.Softmax)]</c> → <c>[Dense(10)]</c>.
    /// </summary>
    public static AttributeSyntax WithoutArgument(AttributeSyntax attribute, AttributeArgumentSyntax argument)
    {
        var list = attribute.ArgumentList!;
        var arguments = list.Arguments.Remove(argument);
        return arguments.Count == 0
            ? attribute.WithArgumentList(null).WithTriviaFrom(attribute)
            : attribute.WithArgumentList(list.WithArguments(arguments));
    }

    /// <summary>
    /// Appends <c>partial</c> to <paramref name="modifiers"/>: last, so right before the <c>class</c> keyword or the
    /// property type as C# requires. It takes over <paramref name="next"/>'s leading trivia, so the line keeps its
    /// indentation and comments.
    /// </summary>
    public static (SyntaxTokenList Modifiers, SyntaxToken Next) AddPartial(SyntaxTokenList modifiers, SyntaxToken next)
    {
        var partial = SyntaxFactory.Token(next.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return (modifiers.Add(partial), next.WithLeadingTrivia(SyntaxTriviaList.Empty));
    }

    /// <summary><paramref name="type"/> with <c>partial</c> added; unchanged if it already has it.</summary>
    public static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword)) return type;
        var (modifiers, keyword) = AddPartial(type.Modifiers, type.Keyword);
        return type.WithKeyword(keyword).WithModifiers(modifiers);
    }

    /// <summary>
    /// The name of Axon attribute <paramref name="kind"/> spelled as <paramref name="name"/> spells the attribute class
    /// <paramref name="attributeClass"/>: <c>Dense</c> → <c>Flatten</c>, <c>Axon.Conv2DAttribute</c> →
    /// <c>Axon.Conv1DAttribute</c>, <c>global::Axon.Conv2D</c> → <c>global::Axon.Conv1D</c>; an alias is spelled out
    /// as <c>global::Axon.<paramref name="kind"/></c>.
    /// </summary>
    public static string AttributeNameLike(NameSyntax name, string attributeClass, string kind)
    {
        string text = name.WithoutTrivia().ToString();
        string rightmost = name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => "",
        };
        // The rightmost identifier as written: a verbatim @Dense or a generic name is not the plain spelling.
        if (!text.EndsWith(rightmost, System.StringComparison.Ordinal)) return "global::Axon." + kind;
        string prefix = text.Substring(0, text.Length - rightmost.Length);
        if (rightmost == attributeClass) return prefix + kind + "Attribute";
        if (rightmost + "Attribute" == attributeClass) return prefix + kind;
        return "global::Axon." + kind;   // an alias: spell it out
    }

    /// <summary>Replaces the rightmost name of an enum member access, <c>Loss.A</c> → <c>Loss.B</c>, keeping any qualification.</summary>
    public static ExpressionSyntax? WithMemberName(ExpressionSyntax expression, string from, string to)
    {
        var name = expression switch
        {
            MemberAccessExpressionSyntax { Name: IdentifierNameSyntax n } => n,
            IdentifierNameSyntax n => n,
            _ => null,
        };
        if (name is null || name.Identifier.ValueText != from) return null;
        return expression.ReplaceNode(name, name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, to, name.Identifier.TrailingTrivia)));
    }
}
