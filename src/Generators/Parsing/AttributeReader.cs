using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generators.Parsing;

/// <summary>
/// Reads one attribute's values and finds the syntax of each argument, so that a diagnostic
/// lands on the argument that is wrong rather than on the whole attribute.
/// </summary>
internal readonly struct AttributeReader(AttributeData data, CancellationToken cancellationToken)
{
    private readonly AttributeSyntax? _syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

    public AttributeData Data => data;

    /// <summary>False when the attribute did not bind (the user already sees a C# error for it).</summary>
    /// <summary>
    /// Whether the attribute bound and every argument is a constant: a non-constant argument (a <c>static readonly</c>
    /// field) is the compiler's CS0182 already, and reading it as 0 would add a spurious Axon error.
    /// </summary>
    public bool IsBound => data.AttributeConstructor is not null
        && !data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        && !data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    public LocationInfo? Location => LocationInfo.From(_syntax);

    public LocationInfo? NameLocation => LocationInfo.From(_syntax?.Name);

    public T Named<T>(string name, T fallback)
    {
        foreach (var pair in data.NamedArguments)
            if (pair.Key == name && pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is T value)
                return value;
        return fallback;
    }

    public bool HasNamed(string name) => data.NamedArguments.Any(p => p.Key == name);

    public T Positional<T>(int index, T fallback) =>
        index < data.ConstructorArguments.Length && data.ConstructorArguments[index].Kind != TypedConstantKind.Error
            && data.ConstructorArguments[index].Value is T value ? value : fallback;

    public ImmutableArray<TypedConstant> PositionalArray(int index) =>
        index < data.ConstructorArguments.Length && data.ConstructorArguments[index].Kind == TypedConstantKind.Array
            ? data.ConstructorArguments[index].Values
            : ImmutableArray<TypedConstant>.Empty;

    /// <summary>The syntax of the <paramref name="index"/>-th positional argument (or the one named <paramref name="parameterName"/>).</summary>
    public LocationInfo? PositionalLocation(int index, string parameterName)
    {
        if (_syntax?.ArgumentList is not { } list) return NameLocation;
        int position = 0;
        foreach (var argument in list.Arguments)
        {
            if (argument.NameEquals is not null) continue;
            if (argument.NameColon is not null)
            {
                if (argument.NameColon.Name.Identifier.ValueText == parameterName) return LocationInfo.From(argument);
                continue;
            }
            if (position == index) return LocationInfo.From(argument);
            position++;
        }
        return NameLocation;
    }

    /// <summary>The syntax of the named argument <c>Name = value</c>, or the attribute name when it is absent.</summary>
    public LocationInfo? NamedLocation(string name)
    {
        if (_syntax?.ArgumentList is { } list)
            foreach (var argument in list.Arguments)
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    return LocationInfo.From(argument);
        return NameLocation;
    }
}
