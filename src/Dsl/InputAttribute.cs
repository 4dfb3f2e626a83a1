using System;

namespace Axon;

/// <summary>
/// Declares the model's input: its shape (<c>[features]</c>) and, optionally, the range its raw
/// values live in. The range is part of the model's contract: adversarial attacks clip to it.
/// </summary>
/// <example><c>[Input(784, Min = 0f, Max = 1f)]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input of the given shape, e.g. <c>[Input(784)]</c>.</summary>
    /// <param name="shape">The input shape; every dimension must be positive.</param>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The input shape.</summary>
    public int[] Shape { get; }

    /// <summary>Smallest valid raw input value. Default: <see cref="float.NegativeInfinity"/> (unbounded).</summary>
    public float Min { get; set; } = float.NegativeInfinity;

    /// <summary>Largest valid raw input value. Default: <see cref="float.PositiveInfinity"/> (unbounded).</summary>
    public float Max { get; set; } = float.PositiveInfinity;
}
