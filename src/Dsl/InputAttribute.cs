using System;

namespace Axon;

/// <summary>
/// Declares the model's input: its shape (<c>[features]</c>, a sequence <c>[steps, features]</c> or
/// <c>[channels, height, width]</c>) and,
/// optionally, the range its raw values live in. The range is part of the model's contract:
/// adversarial attacks clip to it.
/// </summary>
/// <remarks>
/// On the class, it declares the one input. A model with several inputs puts it on members instead,
/// <c>[Input(1, Ids = true)] public partial Layer UserId { get; }</c>: each sample's values are then
/// the members' values end to end, in declaration order (that row is what <c>Predict</c>,
/// <c>TrainStep</c> and datasets carry), and layers read an input member like any other member.
/// </remarks>
/// <remarks>
/// A sequence <c>[T, F]</c> is Keras's <c>(timesteps, features)</c>: T time steps of F features each, stored step by step
/// (each sample's row is step 0's F values, then step 1's, …; PyTorch's <c>batch_first=True</c>).
/// </remarks>
/// <example><c>[Input(784, Min = 0f, Max = 1f)]</c>, <c>[Input(30, 4)]</c> (30 steps of 4 features)</example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
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

    /// <summary>
    /// Whether the values are integer ids (categories, users, words) stored as floats, to be read
    /// by an <see cref="EmbeddingAttribute"/> layer. Default: <see langword="false"/>.
    /// </summary>
    public bool Ids { get; set; }

    /// <summary>
    /// Whether the values are facts an attacker cannot change (age, an account's opening date): adversarial attacks,
    /// Gaussian noise augmentation and TRADES leave them bitwise unchanged. Only on an input member (on the class-level
    /// input it would leave nothing to perturb: AXN0310). Ids are never perturbed anyway. Default: <see langword="false"/>.
    /// </summary>
    public bool Immutable { get; set; }

    /// <summary>
    /// Whether the values are integer counts (number of accounts, dependants): perturbed values are rounded to integers
    /// inside the ε-ball and the range. Min and Max, when finite, must then be integers (AXN0310). Default: <see langword="false"/>.
    /// </summary>
    public bool Integer { get; set; }
}
