using System;

namespace Axon.Training;

/// <summary>
/// Exponential decay, as PyTorch's <c>ExponentialLR</c> stepped once per epoch: <c>η(e) = η₀·γ^e</c> for the 0-based epoch
/// <c>e = ⌊t / stepsPerEpoch⌋</c>.
/// </summary>
/// <param name="initial">η₀ &gt; 0.</param>
/// <param name="gamma">The multiplier per epoch, γ &gt; 0 (e.g. 0.95).</param>
public sealed class ExponentialDecay(float initial, float gamma) : LearningRateSchedule
{
    /// <summary>η₀.</summary>
    public float Initial { get; } = Rate(initial, nameof(initial), positive: true);

    /// <summary>γ.</summary>
    public float Gamma { get; } = Rate(gamma, nameof(gamma), positive: true);

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps) => (float)(Initial * Math.Pow(Gamma, step / stepsPerEpoch));
}
