using System;

namespace Axon.Training;

/// <summary>
/// The focal loss of Lin et al. (2017, "Focal loss for dense object detection"), set with <see cref="FitOptions.FocalLoss"/>:
/// <c>FL = −α_t·(1 − p_t)^γ·log p_t</c>, mean over the batch, where <c>p_t</c> is the probability the model gives the true class.
/// <list type="bullet">
/// <item>Binary cross-entropy models, as torchvision's <c>sigmoid_focal_loss</c> (soft targets allowed): <c>p = σ(z)</c>,
/// <c>p_t = p·t + (1 − p)(1 − t)</c>, <c>FL = BCE(z, t)·(1 − p_t)^γ</c>, times <c>α_t = α·t + (1 − α)(1 − t)</c> when
/// <see cref="Alpha"/> is set.</item>
/// <item>Softmax cross-entropy models: <c>FL = −w_y·(1 − p_y)^γ·log p_y</c> with <c>p = softmax(z)</c> and <c>w_y</c> from
/// <see cref="FitOptions.ClassWeights"/> (1 without), divided by the batch size.</item>
/// </list>
/// γ = 0 (and no α, no weights) is cross-entropy exactly.
/// </summary>
public sealed class FocalLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">The focusing parameter γ ≥ 0. Default: 2, as in Lin et al.</param>
    /// <param name="alpha">The positive-class weight α ∈ [0, 1] of binary models (Lin et al. use 0.25); null for none. Default: null.</param>
    /// <exception cref="ArgumentOutOfRangeException">γ is negative or not finite, or α is outside [0, 1].</exception>
    public FocalLoss(float gamma = 2f, float? alpha = null)
    {
        if (!(gamma >= 0f) || float.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"FocalLoss gamma is {gamma}; expected a finite value ≥ 0.");
        if (alpha is float a && !(a >= 0f && a <= 1f))
            throw new ArgumentOutOfRangeException(nameof(alpha), a, $"FocalLoss alpha is {a}; expected a weight in [0, 1].");
        Gamma = gamma;
        Alpha = alpha;
    }

    /// <summary>γ, the focusing parameter.</summary>
    public float Gamma { get; }

    /// <summary>α, the weight of positive targets (binary models only), or null.</summary>
    public float? Alpha { get; }
}
