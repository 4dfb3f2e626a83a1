using System;

namespace Axon;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), as PyTorch's <c>torch.optim.AdamW</c>: Adam with decoupled
/// weight decay, <c>w ← w - η·λ·w</c> before the Adam step on the raw gradient.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdamWAttribute : Attribute
{
    /// <summary>Learning rate η. Default: 0.001.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>β₁, decay of the first moment. Default: 0.9.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>β₂, decay of the second moment. Default: 0.999.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>ε, added to the denominator. Default: 1e-8.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>Decoupled weight decay λ. Default: 0.01 (PyTorch's).</summary>
    public float WeightDecay { get; set; } = 0.01f;
}
