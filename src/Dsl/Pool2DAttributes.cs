using System;

namespace Axon;

/// <summary>
/// 2-D max pooling over a <c>[C, H, W]</c> input: <c>y[c, i, j] = max over the window of x</c>
/// (padding never wins). The gradient goes to the first maximum of each window in row-major
/// order, as PyTorch. No parameters.
/// </summary>
/// <example><c>[MaxPool2D(2)] public partial Layer Pool1 { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Declares max pooling.</summary>
    /// <param name="pool">Side of the square window; must be positive and fit the (padded) input.</param>
    public MaxPool2DAttribute(int pool) => Pool = pool;

    /// <summary>Side of the square window.</summary>
    public int Pool { get; }

    /// <summary>Step between windows. Default: 0, meaning the window size (Keras and PyTorch).</summary>
    public int Stride { get; set; }

    /// <summary>Border rule. Default: <see cref="Padding.Valid"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// 2-D average pooling over a <c>[C, H, W]</c> input: the mean of each window's in-bounds values
/// (padding is not counted, as Keras). No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Declares average pooling.</summary>
    /// <param name="pool">Side of the square window; must be positive and fit the (padded) input.</param>
    public AvgPool2DAttribute(int pool) => Pool = pool;

    /// <summary>Side of the square window.</summary>
    public int Pool { get; }

    /// <summary>Step between windows. Default: 0, meaning the window size.</summary>
    public int Stride { get; set; }

    /// <summary>Border rule. Default: <see cref="Padding.Valid"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>Mean over each channel's <c>H × W</c> values: <c>[C, H, W]</c> → <c>[C]</c>. No parameters.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GlobalAveragePoolAttribute : Attribute
{
    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// Reads a <c>[C, H, W]</c> tensor as <c>[C·H·W]</c> features, or a sequence <c>[T, F]</c> as <c>[T·F]</c> (row-major, as
/// <c>torch.flatten</c>). No parameters, no copy.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// Reads its input's values in a new shape of the same size, row-major (as <c>torch.reshape</c>):
/// <c>[Reshape(1, 28, 28)]</c> turns <c>[784]</c> into an image, <c>[Reshape(784)]</c> back. No parameters, no copy.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ReshapeAttribute : Attribute
{
    /// <summary>Declares a reshape.</summary>
    /// <param name="shape"><c>[features]</c>, <c>[steps, features]</c> (a sequence) or <c>[channels, height, width]</c>, with as many values as the input.</param>
    public ReshapeAttribute(params int[] shape) => Shape = shape;

    /// <summary>The new shape.</summary>
    public int[] Shape { get; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before.
    /// </summary>
    public string? From { get; set; }
}
