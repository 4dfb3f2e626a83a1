using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Axon.Generators.Model;

/// <summary>A diagnostic as equatable data: descriptor id, location and message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    /// <summary>
    /// What the IDE fixes read from <see cref="Diagnostic.Properties"/> (keys in
    /// <see cref="Diagnostics.FixProperties"/>): key, value, key, value, …; empty when no fix is known.
    /// </summary>
    public EquatableArray<string> Properties { get; init; } = EquatableArray<string>.Empty;

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor.Id, location, arguments.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToEquatableArray());

    /// <summary>This diagnostic with <paramref name="pairs"/> (key, value, key, value, …) as its properties.</summary>
    public DiagnosticInfo WithProperties(params string[] pairs) => this with { Properties = pairs.ToEquatableArray() };
}
