using System;

namespace Axon;

/// <summary>
/// A 2-D convolution over a <c>[C, H, W]</c> input:
/// <c>y[f, i, j] = act(b[f] + Σ_c Σ_u Σ_v W[f, c, u, v] · x[c, i·s + u − p_top, j·s + v − p_left])</c>,
/// zero outside the input. The weight is stored <c>[filters, C, k, k]</c> with bias <c>[filters]</c>,
/// exactly as PyTorch's <c>nn.Conv2d</c> (<c>name.weight</c>, <c>name.bias</c>). Output <c>[filters, H', W']</c>.
/// </summary>
/// <example><c>[Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>Declares a convolution.</summary>
    /// <param name="filters">Output channels; must be positive.</param>
    /// <param name="kernel">Side of the square kernel <c>k</c>; must be positive and fit the (padded) input.</param>
    /// <param name="activation">The activation. Default: <see cref="Activation.Identity"/>; <see cref="Activation.Softmax"/> is not allowed.</param>
    public Conv2DAttribute(int filters, int kernel, Activation activation = Activation.Identity)
    {
        Filters = filters;
        Kernel = kernel;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Side of the square kernel.</summary>
    public int Kernel { get; }

    /// <summary>The activation applied to the convolution plus bias.</summary>
    public Activation Activation { get; }

    /// <summary>Step between windows, both directions. Default: 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Border rule. Default: <see cref="Padding.Valid"/> (Keras's default; PyTorch's <c>padding=0</c>).</summary>
    public Padding Padding { get; set; }

    /// <summary>Initialisation. Default: <see cref="Init.Default"/> (PyTorch's <c>nn.Conv2d</c>: Kaiming-uniform with a = √5, fan-in C·k²).</summary>
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
