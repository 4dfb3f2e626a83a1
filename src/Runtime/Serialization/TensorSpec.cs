using System;

namespace Axon.Serialization;

/// <summary>
/// One tensor of a model's safetensors key map: its name (<c>hidden.weight</c>), its shape
/// (<c>[128, 784]</c>, as PyTorch) and where its values start in the parameter arena.
/// </summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="Shape">The tensor's shape, row-major.</param>
/// <param name="Offset">Offset of the first value in the parameter arena.</param>
public sealed record TensorSpec(string Name, int[] Shape, int Offset)
{
    /// <summary>
    /// Whether every value must be ≥ 0: a load that finds a negative value is refused, naming the
    /// tensor. Default: true for BatchNorm's running variance (names ending in <c>.running_var</c>,
    /// PyTorch's and Axon's key), whose negative values would make every prediction NaN; false otherwise.
    /// </summary>
    public bool NonNegative { get; init; } = Name.EndsWith(".running_var", StringComparison.Ordinal);

    /// <summary>Number of values: the product of <see cref="Shape"/>.</summary>
    public int Count
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>The shape as text, <c>[128, 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
