using System;

namespace Axon;

/// <summary>
/// A fully connected layer: <c>y = f(x·Wᵀ + b)</c> with <c>W</c> of shape <c>[units, in]</c> and
/// <c>b</c> of shape <c>[units]</c>, stored as PyTorch's <c>nn.Linear</c> (<c>name.weight</c>,
/// <c>name.bias</c>). Put it on a <c>public partial Layer Name { get; }</c> property; layers run
/// in declaration order, each reading the previous one's output.
/// </summary>
/// <remarks>
/// On a sequence <c>[T, F]</c> it applies per step, as Keras's <c>Dense</c> (and <c>nn.Linear</c> on the last axis):
/// <c>[T, F]</c> → <c>[T, units]</c>, <c>y_t = f(x_t·Wᵀ + b)</c> with the same <c>W [units, F]</c> and <c>b</c> at every
/// step (computed as one product over batch·T rows). To mix the steps, add <see cref="FlattenAttribute"/> first.
/// LoRA cannot adapt a per-step Dense (AXN0404).
/// </remarks>
/// <example><c>[Dense(128, Activation.Relu)] public partial Layer Hidden { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer.</summary>
    /// <param name="units">Number of output features; must be positive.</param>
    /// <param name="activation">The activation <c>f</c>. Default: <see cref="Activation.Identity"/>.</param>
    public DenseAttribute(int units, Activation activation = Activation.Identity)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Number of output features.</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>x·Wᵀ + b</c>.</summary>
    public Activation Activation { get; }

    /// <summary>Parameter initialisation. Default: <see cref="Init.Default"/> (PyTorch's <c>nn.Linear</c> defaults).</summary>
    public Init Init { get; set; }

    /// <summary>Whether the layer has a bias <c>b</c>. Default: <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Slope of <see cref="Activation.LeakyRelu"/> for negative inputs. Default: 0.01 (PyTorch's).</summary>
    public float NegativeSlope { get; set; } = 0.01f;

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}
