using System;

namespace Axon;

/// <summary>
/// Stochastic gradient descent, as PyTorch's <c>torch.optim.SGD</c>:
/// <c>g ← ∇ + λ·w</c>; with momentum <c>v ← μ·v + g</c> and the step <c>w ← w - η·v</c>
/// (Nesterov: <c>w ← w - η·(g + μ·v)</c>); without momentum <c>w ← w - η·g</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SgdAttribute : Attribute
{
    /// <summary>Learning rate η. Default: 0.01.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>Momentum μ. Default: 0 (plain SGD).</summary>
    public float Momentum { get; set; }

    /// <summary>Nesterov momentum. Default: <see langword="false"/>. Needs <see cref="Momentum"/> &gt; 0.</summary>
    public bool Nesterov { get; set; }

    /// <summary>L2 weight decay λ, added to the gradient. Default: 0.</summary>
    public float WeightDecay { get; set; }
}
