using System.Collections.Generic;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;
using Axon.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Axon.Generators.Layers;

/// <summary>
/// What a kind's <see cref="LayerKind.Parse"/> works with: the attribute, the member's name, where to report,
/// and where to record the operands it reads and the positions of its arguments (for later diagnostics).
/// </summary>
internal sealed class LayerParseContext(string member, AttributeReader reader, List<DiagnosticInfo> diagnostics)
{
    private readonly List<ArgumentLocation> _arguments = [];

    /// <summary>The layer property's name, for messages.</summary>
    public string Member => member;

    public AttributeReader Reader => reader;

    /// <summary>The members this layer reads, as written (merge operands); <c>From</c> is read by the parser.</summary>
    public List<InputRef> Inputs { get; } = [];

    public EquatableArray<ArgumentLocation> Arguments => _arguments.ToEquatableArray();

    /// <summary>Records where <paramref name="argument"/> is written, for <see cref="LayerSpec.At"/>; returns the location.</summary>
    public LocationInfo? Locate(string argument, LocationInfo? location)
    {
        _arguments.Add(new ArgumentLocation(argument, location));
        return location;
    }

    public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>AXN0107, an invalid layer setting: the member, the setting, the value given and what was expected.</summary>
    public void Invalid(LocationInfo? location, string setting, string value, string expected) =>
        Report(DiagnosticDescriptors.InvalidLayerSetting, location, member, setting, value, expected);

    /// <summary>A positive size at positional <paramref name="index"/> (parameter <paramref name="parameter"/>); AXN0101 otherwise.</summary>
    public int Size(int index, string parameter)
    {
        int size = reader.Positional(index, 0);
        var location = Locate(parameter, reader.PositionalLocation(index, parameter));
        if (size <= 0) Report(DiagnosticDescriptors.NonPositiveUnits, location, member, size);
        return size;
    }

    public List<DiagnosticInfo> Diagnostics => diagnostics;

    public static string Literal(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
