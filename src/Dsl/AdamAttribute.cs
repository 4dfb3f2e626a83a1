using System;

namespace Axon;

/// <summary>
/// Adam (Kingma and Ba, 2015), as PyTorch's <c>torch.optim.Adam</c>: <c>g ← ∇ + λ·w</c> (L2),
/// <c>m ← β₁m + (1-β₁)g</c>, <c>v ← β₂v + (1-β₂)g²</c>,
/// <c>w ← w - η·(m/(1-β₁ᵗ)) / (√(v/(1-β₂ᵗ)) + ε)</c>. This is the default optimizer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdamAttribute : Attribute
{
    /// <summary>Learning rate η. Default: 0.001.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>β₁, decay of the first moment. Default: 0.9.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>β₂, decay of the second moment. Default: 0.999.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>ε, added to the denominator. Default: 1e-8.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>L2 weight decay λ, added to the gradient (coupled, as PyTorch's Adam). Default: 0.</summary>
    public float WeightDecay { get; set; }
}
