using System;

namespace Axon;

/// <summary>
/// A 1-D convolution along the steps of a sequence <c>[T, F]</c>:
/// <c>y[t, f] = act(b[f] + Σ_c Σ_k W[f, c, k] · x[t·s + k·d − p, c])</c>, zero outside the input, with stride <c>s</c>,
/// dilation <c>d</c> and left padding <c>p</c> from <see cref="Padding"/>. The weight is stored <c>[filters, F, k]</c> with
/// bias <c>[filters]</c>, exactly as PyTorch's <c>nn.Conv1d</c> (<c>name.weight</c>, <c>name.bias</c>; PyTorch reads the
/// sequence as <c>[batch, F, T]</c>, Axon as <c>[batch, T, F]</c>, so the same weights give the same numbers after a
/// transpose). Output <c>[T', filters]</c>, a sequence.
/// </summary>
/// <remarks>
/// The window spans <c>e = (k − 1)·d + 1</c> steps. <see cref="Padding.Valid"/>: <c>T' = ⌊(T − e)/s⌋ + 1</c>;
/// <see cref="Padding.Same"/>: <c>T' = ⌈T/s⌉</c>, the padding split as Keras does; <see cref="Padding.Causal"/>:
/// <c>(k − 1)·d</c> zeros before the sequence, so step <c>t</c> sees no later input (forecasting), <c>T' = ⌈T/s⌉</c>.
/// Computed as im2col and one product over batch·T' rows; 0 bytes allocated per step, bitwise the same for any thread count.
/// </remarks>
/// <example><c>[Conv1D(16, 3, Activation.Relu, Padding = Padding.Causal, Dilation = 2)] public partial Layer Conv { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class Conv1DAttribute : Attribute
{
    /// <summary>Declares a 1-D convolution.</summary>
    /// <param name="filters">Output features per step; must be positive.</param>
    /// <param name="kernel">Taps <c>k</c>; must be positive and, with valid padding, span no more than the input's steps.</param>
    /// <param name="activation">The activation. Default: <see cref="Activation.Identity"/>; <see cref="Activation.Softmax"/> is not allowed.</param>
    public Conv1DAttribute(int filters, int kernel, Activation activation = Activation.Identity)
    {
        Filters = filters;
        Kernel = kernel;
        Activation = activation;
    }

    /// <summary>Output features per step.</summary>
    public int Filters { get; }

    /// <summary>Taps of the kernel.</summary>
    public int Kernel { get; }

    /// <summary>The activation applied to the convolution plus bias.</summary>
    public Activation Activation { get; }

    /// <summary>Step between windows. Default: 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Steps between taps (PyTorch's and Keras's <c>dilation</c>). Default: 1, adjacent steps.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Border rule: Valid, Same or Causal. Default: <see cref="Padding.Valid"/> (Keras's default; PyTorch's <c>padding=0</c>).</summary>
    public Padding Padding { get; set; }

    /// <summary>Initialisation. Default: <see cref="Init.Default"/> (PyTorch's <c>nn.Conv1d</c>: Kaiming-uniform with a = √5, fan-in F·k).</summary>
    public Init Init { get; set; }

    /// <summary>Whether the layer has a bias. Default: <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Slope of <see cref="Activation.LeakyRelu"/> for negative inputs. Default: 0.01.</summary>
    public float NegativeSlope { get; set; } = 0.01f;

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}
