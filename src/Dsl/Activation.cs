namespace Axon;

/// <summary>Element-wise (or, for <see cref="Softmax"/>, row-wise) activation functions.</summary>
public enum Activation
{
    /// <summary><c>f(z) = z</c>.</summary>
    Identity = 0,

    /// <summary><c>f(z) = max(z, 0)</c>; <c>f'(z)</c> is taken as 0 at <c>z = 0</c>, as PyTorch.</summary>
    Relu = 1,

    /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>slope·z</c> (<see cref="DenseAttribute.NegativeSlope"/>, default 0.01).</summary>
    LeakyRelu = 2,

    /// <summary><c>f(z) = 1 / (1 + e^-z)</c>; <c>f' = f(1 - f)</c>.</summary>
    Sigmoid = 3,

    /// <summary><c>f(z) = tanh z</c>; <c>f' = 1 - f²</c>.</summary>
    Tanh = 4,

    /// <summary>Exact GELU, <c>f(z) = z·Φ(z) = z/2·(1 + erf(z/√2))</c> (PyTorch's default, not the tanh approximation).</summary>
    Gelu = 5,

    /// <summary>
    /// <c>f(z)_i = e^{z_i} / Σ_j e^{z_j}</c> over the layer's units. Not for a layer that feeds
    /// <see cref="Loss.SoftmaxCrossEntropy"/>, which applies softmax itself (AXN0201).
    /// </summary>
    Softmax = 6,
}
