using System;

namespace Axon;

/// <summary>
/// 1-D max pooling along the steps of a sequence <c>[T, F]</c>: <c>y[t, c] = max over the window of x[·, c]</c>
/// (padding never wins), output <c>[T', F]</c>. The gradient goes to the first maximum of each window, as PyTorch's
/// <c>nn.MaxPool1d</c>. No parameters.
/// </summary>
/// <example><c>[MaxPool1D(2)] public partial Layer Pool { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MaxPool1DAttribute : Attribute
{
    /// <summary>Declares 1-D max pooling.</summary>
    /// <param name="pool">Window length in steps; must be positive and, with valid padding, at most the input's steps.</param>
    public MaxPool1DAttribute(int pool) => Pool = pool;

    /// <summary>Window length in steps.</summary>
    public int Pool { get; }

    /// <summary>Step between windows. Default: 0, meaning the window length (Keras and PyTorch).</summary>
    public int Stride { get; set; }

    /// <summary>Border rule, Valid or Same (Keras's). Default: <see cref="Padding.Valid"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// 1-D average pooling along the steps of a sequence <c>[T, F]</c>: the mean of each window's in-bounds steps per
/// feature (padding is not counted, as Keras; PyTorch's <c>count_include_pad=False</c>), output <c>[T', F]</c>. No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class AvgPool1DAttribute : Attribute
{
    /// <summary>Declares 1-D average pooling.</summary>
    /// <param name="pool">Window length in steps; must be positive and, with valid padding, at most the input's steps.</param>
    public AvgPool1DAttribute(int pool) => Pool = pool;

    /// <summary>Window length in steps.</summary>
    public int Pool { get; }

    /// <summary>Step between windows. Default: 0, meaning the window length.</summary>
    public int Stride { get; set; }

    /// <summary>Border rule, Valid or Same (Keras's). Default: <see cref="Padding.Valid"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>The mean of each feature over the steps: <c>[T, F]</c> → <c>[F]</c> (<c>x.mean(dim=1)</c>). No parameters.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GlobalAveragePool1DAttribute : Attribute
{
    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// The largest value of each feature over the steps: <c>[T, F]</c> → <c>[F]</c> (<c>x.amax(dim=1)</c>); the gradient
/// goes to the first maximal step. No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GlobalMaxPool1DAttribute : Attribute
{
    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}
