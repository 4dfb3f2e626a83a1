using System.Collections.Generic;
using System.Threading;
using Axon.Generators.Layers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generators.Parsing;

/// <summary>
/// Reads a layer member's attribute from its syntax when that gives exactly what Roslyn's binding would: the
/// IDE re-runs the parser on every keystroke, and binding each member's attribute (name lookup, overload
/// resolution, nullable analysis) was most of the parser's time. It answers only for the plain case, one
/// attribute <c>[Kind(constants…, Name = constant…)]</c> on a property of the model's own declaration whose
/// names (the attribute, each enum) resolve in that scope to Axon's types, checked once per name with a
/// lookup; any other form (an alias, an expression, a params array, an overload choice) returns null and the
/// parser binds the attribute as before.
/// </summary>
internal sealed class SyntaxAttributes(SemanticModel model, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
{
    // Per name, what it resolves to in the declaration's scope (null: not what the fast path needs).
    private readonly Dictionary<string, (LayerKind Kind, INamedTypeSymbol Class)?> _attributes = [];
    private readonly Dictionary<string, ISymbol?> _types = [];

    /// <summary>The layer attribute of <paramref name="member"/> read from syntax, or null to bind it.</summary>
    public AttributeReader? TryRead(ISymbol member, out LayerKind? kind)
    {
        kind = null;
        if (member is not IPropertySymbol || member.DeclaringSyntaxReferences.Length != 1) return null;
        if (member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax property
            || property.Parent != declaration || property.AttributeLists.Count != 1)
            return null;
        var list = property.AttributeLists[0];
        if (list.Target is not null || list.Attributes.Count != 1) return null;
        var attribute = list.Attributes[0];
        if (attribute.Name is not IdentifierNameSyntax name || KindOf(name) is not { } found) return null;
        if (Values(attribute, found.Class) is not { } values) return null;
        kind = found.Kind;
        return new AttributeReader(attribute, values);
    }

    private (LayerKind Kind, INamedTypeSymbol Class)? KindOf(IdentifierNameSyntax name)
    {
        string text = name.Identifier.ValueText;
        if (!_attributes.TryGetValue(text, out var found))
        {
            // [Dense] binds to DenseAttribute when no type named Dense is in scope and DenseAttribute is Axon's.
            found = null;
            if (!text.EndsWith("Attribute", System.StringComparison.Ordinal)
                && model.LookupNamespacesAndTypes(name.SpanStart, name: text).IsEmpty
                && model.LookupNamespacesAndTypes(name.SpanStart, name: text + "Attribute") is { Length: 1 } types
                && types[0] is INamedTypeSymbol type
                && LayerKinds.FromAttribute(type) is { } kind)
                found = (kind, type);
            _attributes[text] = found;
        }
        return found;
    }

    /// <summary>The constructor and named arguments' values, or null when one is not a plain constant of its parameter's type.</summary>
    private AttributeValues? Values(AttributeSyntax attribute, INamedTypeSymbol attributeClass)
    {
        var positional = new List<ExpressionSyntax>();
        var named = new List<KeyValuePair<string, object?>>();
        var namedSyntax = new List<(string Name, ExpressionSyntax Value)>();
        if (attribute.ArgumentList is { } arguments)
            foreach (var argument in arguments.Arguments)
            {
                if (argument.NameColon is not null) return null;
                if (argument.NameEquals is { } equals)
                {
                    string key = equals.Name.Identifier.ValueText;
                    foreach (var (seen, _) in namedSyntax)
                        if (seen == key) return null;
                    namedSyntax.Add((key, argument.Expression));
                }
                else if (namedSyntax.Count > 0) return null;   // a positional argument after a named one is an error
                else positional.Add(argument.Expression);
            }

        object?[]? values = null;
        foreach (var constructor in attributeClass.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public) continue;
            var candidate = Arguments(constructor, positional);
            if (candidate is null) continue;
            if (values is not null) return null;   // two constructors fit: overload resolution decides, so bind
            values = candidate;
        }
        if (values is null) return null;

        foreach (var (key, expression) in namedSyntax)
        {
            if (Settable(attributeClass, key) is not { } type || Constant(expression, type) is not { } value) return null;
            named.Add(new KeyValuePair<string, object?>(key, value));
        }
        return new AttributeValues(values, named.ToArray());
    }

    /// <summary>The arguments of <paramref name="constructor"/> for these positional arguments, defaults filled in, or null.</summary>
    private object?[]? Arguments(IMethodSymbol constructor, List<ExpressionSyntax> positional)
    {
        var parameters = constructor.Parameters;
        if (positional.Count > parameters.Length) return null;
        var values = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.IsParams || parameter.Type.TypeKind == TypeKind.Array || parameter.RefKind != RefKind.None) return null;
            if (i < positional.Count)
            {
                if (Constant(positional[i], parameter.Type) is not { } value) return null;
                values[i] = value;
            }
            else if (parameter.HasExplicitDefaultValue) values[i] = parameter.ExplicitDefaultValue;
            else return null;
        }
        return values;
    }

    /// <summary>The type of the public, writable property or field <paramref name="name"/> of the attribute (or a base).</summary>
    private static ITypeSymbol? Settable(INamedTypeSymbol attributeClass, string name)
    {
        for (var type = attributeClass; type is not null; type = type.BaseType)
            foreach (var member in type.GetMembers(name))
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public) return null;
                return member switch
                {
                    IPropertySymbol { SetMethod: { DeclaredAccessibility: Accessibility.Public, IsInitOnly: false }, IsIndexer: false } p => p.Type,
                    IFieldSymbol { IsReadOnly: false, IsConst: false } f => f.Type,
                    _ => null,
                };
            }
        return null;
    }

    /// <summary>
    /// The value binding gives <paramref name="expression"/> as an argument of type <paramref name="type"/> (boxed, an
    /// enum as its underlying value): a numeric literal (optionally negated) converted as C# converts constants,
    /// <c>true</c>/<c>false</c>, a string literal, or <c>Enum.Member</c> where <c>Enum</c> names the parameter's enum
    /// in this scope. Null for anything else.
    /// </summary>
    private object? Constant(ExpressionSyntax expression, ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32:
                return Number(expression) as int?;
            case SpecialType.System_Single:
                return Number(expression) switch { int i => (float)i, float f => f, _ => null };
            case SpecialType.System_Double:
                return Number(expression) switch { int i => (double)i, float f => (double)f, double d => d, _ => null };
            case SpecialType.System_Boolean:
                return expression.Kind() switch
                {
                    SyntaxKind.TrueLiteralExpression => true,
                    SyntaxKind.FalseLiteralExpression => false,
                    _ => null,
                };
            case SpecialType.System_String:
                return expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } s ? s.Token.Value as string : null;
        }
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
            && expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Expression: IdentifierNameSyntax left, Name: IdentifierNameSyntax right }
            && left.Identifier.ValueText == enumType.Name
            && NamesType(left, enumType))
        {
            var members = enumType.GetMembers(right.Identifier.ValueText);
            if (members.Length == 1 && members[0] is IFieldSymbol { HasConstantValue: true } field) return field.ConstantValue;
        }
        return null;
    }

    /// <summary>Whether <paramref name="name"/> means <paramref name="type"/> and nothing else in this scope (no member, alias or other type of that name).</summary>
    private bool NamesType(IdentifierNameSyntax name, INamedTypeSymbol type)
    {
        string text = name.Identifier.ValueText;
        if (!_types.TryGetValue(text, out var found))
        {
            var symbols = model.LookupSymbols(name.SpanStart, name: text);
            _types[text] = found = symbols.Length == 1 ? symbols[0] : null;
        }
        return found is not null && SymbolEqualityComparer.Default.Equals(found, type);
    }

    /// <summary>A numeric literal's value (int, float or double as the lexer read it), negated under a unary minus; null otherwise.</summary>
    private static object? Number(ExpressionSyntax expression)
    {
        bool negate = false;
        if (expression is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus)
        {
            negate = true;
            expression = minus.Operand;
        }
        if (expression is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } literal) return null;
        return literal.Token.Value switch
        {
            int i => negate ? -i : i,
            float f => negate ? -f : f,
            double d => negate ? -d : d,
            _ => null,
        };
    }
}
