using System;

namespace Axon.Training;

/// <summary>
/// Step decay, as PyTorch's <c>StepLR</c> stepped once per epoch: <c>η(e) = η₀·γ^⌊e / StepSize⌋</c> for the 0-based epoch
/// <c>e = ⌊t / stepsPerEpoch⌋</c>.
/// </summary>
/// <param name="initial">η₀ &gt; 0.</param>
/// <param name="stepSize">Epochs between decays, ≥ 1.</param>
/// <param name="gamma">The multiplier γ &gt; 0. Default: 0.1 (PyTorch's default).</param>
public sealed class StepDecay(float initial, int stepSize, float gamma = 0.1f) : LearningRateSchedule
{
    /// <summary>η₀.</summary>
    public float Initial { get; } = Rate(initial, nameof(initial), positive: true);

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; } = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be ≥ 1 epoch.");

    /// <summary>γ.</summary>
    public float Gamma { get; } = Rate(gamma, nameof(gamma), positive: true);

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps) =>
        (float)(Initial * Math.Pow(Gamma, step / stepsPerEpoch / StepSize));
}
