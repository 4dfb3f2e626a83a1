using System.Collections.Generic;
using System.Linq;

namespace Axon.Generators.Layers;

/// <summary>
/// The table of layer kinds: the only list of them in the generator. The parser finds a member's kind here by
/// its attribute; every later stage asks the kind. A new kind is one more entry.
/// </summary>
internal static class LayerKinds
{
    public static LayerKind Dense { get; } = new Dense();

    public static LayerKind Input { get; } = new Input();

    /// <summary>Every kind, in the order the docs list them.</summary>
    public static IReadOnlyList<LayerKind> All { get; } =
    [
        Dense,
        new Conv2D(),
        new MaxPool2D(),
        new AvgPool2D(),
        new GlobalAveragePool(),
        new Flatten(),
        new Reshape(),
        new Dropout(),
        new BatchNorm(),
        new LayerNorm(),
        new Add(),
        new Multiply(),
        new Concat(),
        new Dot(),
        Input,
        new Embedding(),
        new Gru(),
        new Lstm(),
        new Conv1D(),
        new MaxPool1D(),
        new AvgPool1D(),
        new GlobalAveragePool1D(),
        new GlobalMaxPool1D(),
    ];

    private static readonly Dictionary<string, LayerKind> ByAttribute = All.ToDictionary(k => k.AttributeName);

    private static readonly Dictionary<string, LayerKind> ByClassName = All.ToDictionary(k => k.Name + "Attribute");

    /// <summary>The kind called <paramref name="name"/> (its <see cref="LayerKind.Name"/>, e.g. <c>Conv1D</c>); throws for a name not in the table.</summary>
    public static LayerKind Named(string name) => ByClassName[name + "Attribute"];

    /// <summary>The kind an attribute (by full name, e.g. <c>Axon.DenseAttribute</c>) declares, or null.</summary>
    public static LayerKind? FromAttribute(string fullName) => ByAttribute.TryGetValue(fullName, out var kind) ? kind : null;

    /// <summary>
    /// The kind an attribute class declares, or null. Compares names without formatting the symbol: it runs for every
    /// attribute of every member on every keystroke.
    /// </summary>
    public static LayerKind? FromAttribute(Microsoft.CodeAnalysis.INamedTypeSymbol? attribute) =>
        attribute is { ContainingNamespace: { Name: "Axon", ContainingNamespace.IsGlobalNamespace: true }, ContainingType: null }
        && ByClassName.TryGetValue(attribute.Name, out var kind) ? kind : null;
}
