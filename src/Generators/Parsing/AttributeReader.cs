using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generators.Parsing;

/// <summary>
/// Reads one attribute's values and finds the syntax of each argument, so that a diagnostic
/// lands on the argument that is wrong rather than on the whole attribute. The values come from Roslyn's binding
/// (<see cref="AttributeData"/>) or, for a layer attribute whose arguments are plain constants, from its syntax
/// (<see cref="SyntaxAttributes"/>): the same values, without binding the attribute on every keystroke.
/// </summary>
internal readonly struct AttributeReader
{
    private readonly AttributeData? _data;
    private readonly AttributeValues? _values;
    private readonly AttributeSyntax? _syntax;

    public AttributeReader(AttributeData data, CancellationToken cancellationToken)
    {
        _data = data;
        _syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }

    /// <summary>An attribute read from its syntax: <paramref name="values"/> are what binding it would give.</summary>
    public AttributeReader(AttributeSyntax syntax, AttributeValues values)
    {
        _syntax = syntax;
        _values = values;
    }

    /// <summary>The bound attribute (only class-level attributes, which are always bound, use it).</summary>
    public AttributeData Data => _data!;

    /// <summary>
    /// Whether the attribute bound and every argument is a constant: a non-constant argument (a <c>static readonly</c>
    /// field) is the compiler's CS0182 already, and reading it as 0 would add a spurious Axon error. An attribute
    /// read from syntax is bound by construction.
    /// </summary>
    public bool IsBound => _values is not null || (_data!.AttributeConstructor is not null
        && !_data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        && !_data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error));

    public LocationInfo? Location => LocationInfo.From(_syntax);

    public LocationInfo? NameLocation => LocationInfo.From(_syntax?.Name);

    public T Named<T>(string name, T fallback)
    {
        if (_values is not null)
        {
            foreach (var pair in _values.Named)
                if (pair.Key == name && pair.Value is T value)
                    return value;
            return fallback;
        }
        foreach (var pair in _data!.NamedArguments)
            if (pair.Key == name && pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is T value)
                return value;
        return fallback;
    }

    public bool HasNamed(string name)
    {
        if (_values is not null)
        {
            foreach (var pair in _values.Named)
                if (pair.Key == name) return true;
            return false;
        }
        return _data!.NamedArguments.Any(p => p.Key == name);
    }

    public T Positional<T>(int index, T fallback)
    {
        if (_values is not null)
            return index < _values.Positional.Length && _values.Positional[index] is T v ? v : fallback;
        return index < _data!.ConstructorArguments.Length && _data.ConstructorArguments[index].Kind != TypedConstantKind.Error
            && _data.ConstructorArguments[index].Value is T value ? value : fallback;
    }

    /// <summary>A params-array argument; attributes read from syntax have none (those with an array parameter are bound).</summary>
    public ImmutableArray<TypedConstant> PositionalArray(int index) =>
        _data is not null && index < _data.ConstructorArguments.Length && _data.ConstructorArguments[index].Kind == TypedConstantKind.Array
            ? _data.ConstructorArguments[index].Values
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

/// <summary>
/// An attribute's values as binding would give them: the constructor's arguments (defaults filled in; an enum as its
/// underlying value) and the named arguments in the order written.
/// </summary>
internal sealed class AttributeValues(object?[] positional, System.Collections.Generic.KeyValuePair<string, object?>[] named)
{
    public object?[] Positional => positional;

    public System.Collections.Generic.KeyValuePair<string, object?>[] Named => named;
}
